using SvqVideo.Datasets;
using static TorchSharp.torch;

namespace SvqVideo.Training;

/// <summary>
/// <see cref="Evaluation"/> for a host-facing <see cref="IFramePredictor"/> (for example the <c>onnx</c> predictor,
/// which needs no tensor-level model): the same walk over the dataset, batches and callback, with the predictor
/// forecasting each batch. Synchronous; tensors stay on the callback's thread.
/// </summary>
public static class PredictorEvaluation
{
    /// <summary>
    /// Evaluates <paramref name="predictor"/>. Each batch's contexts go to <see cref="IFramePredictor.PredictBatch"/>
    /// with <c>AdditionalProperties["clip"] = false</c>, so predictors that honour it (the onnx predictor) hand back
    /// unclipped values as <see cref="Evaluation.Run"/> does; others return theirs clipped to [0, 1]. The batch tensors
    /// live on <see cref="EvaluationOptions.Device"/> (the predictor itself runs where it was created).
    /// </summary>
    /// <exception cref="ArgumentException">The dataset's clip shape does not match the predictor's.</exception>
    public static void Run(IFramePredictor predictor, IClipDataset dataset, EvaluationOptions? options, Action<EvaluationBatch> onBatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(onBatch);
        var m = predictor.Metadata;
        if (m.FramesIn != dataset.FramesIn || m.Channels != dataset.Channels || m.Height != dataset.Height || m.Width != dataset.Width)
        {
            throw new ArgumentException(
                $"dataset {dataset.Name} has clips of {dataset.FramesIn} context frames of {dataset.Channels}×{dataset.Height}×{dataset.Width}, " +
                $"but the predictor expects {m.FramesIn} frames of {m.Channels}×{m.Height}×{m.Width}");
        }

        var opts = options ?? new EvaluationOptions();
        Evaluation.Walk(dataset, opts, SvqVideo.Torch.TorchDevices.Resolve(opts.Device), (x, horizon) => Forecast(predictor, x, horizon, cancellationToken), onBatch, cancellationToken);
    }

    private static Tensor Forecast(IFramePredictor predictor, Tensor context, int horizon, CancellationToken cancellationToken)
    {
        var cpu = context.cpu().contiguous();
        long b = cpu.shape[0], t = cpu.shape[1], c = cpu.shape[2], h = cpu.shape[3], w = cpu.shape[4];
        var data = cpu.data<float>().ToArray();
        long per = t * c * h * w;
        var clips = new FrameClip[b];
        for (int i = 0; i < b; i++)
        {
            clips[i] = new FrameClip(data.AsSpan((int)(i * per), (int)per).ToArray(), (int)t, (int)c, (int)h, (int)w);
        }

        var options = new ForecastOptions { Frames = horizon, AdditionalProperties = new Dictionary<string, object?> { ["clip"] = false } };
        var forecasts = predictor.PredictBatch(clips, options, cancellationToken);
        var result = new float[b * horizon * c * h * w];
        for (int i = 0; i < b; i++)
        {
            forecasts[i].Data.Span.CopyTo(result.AsSpan((int)(i * horizon * c * h * w)));
        }

        return tensor(result, [b, horizon, c, h, w]).to(context.device);
    }
}
