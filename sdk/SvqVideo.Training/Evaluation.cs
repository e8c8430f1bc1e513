using SvqVideo.Datasets;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Training;

/// <summary>
/// Runs a forecaster over a dataset in inference mode and hands every batch's inputs, targets and
/// predictions to a callback (metrics are the caller's business). Batches come in dataset order.
/// Synchronous; tensors stay on the callback's thread.
/// </summary>
public static class Evaluation
{
    /// <summary>
    /// Evaluates <paramref name="model"/> (in eval mode under <c>inference_mode</c>, on the device its parameters are on;
    /// its training flag is restored afterwards) with <see cref="IForecastModel.Forecast"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The dataset's clip shape does not match the model's configuration.</exception>
    public static void Run(IForecastModel model, IClipDataset dataset, EvaluationOptions? options, Action<EvaluationBatch> onBatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(onBatch);
        CheckShape(model.Config, dataset);
        var device = model.Module.parameters().FirstOrDefault()?.device ?? CPU;
        bool wasTraining = model.Module.training;
        model.Module.eval();
        try
        {
            Walk(dataset, options ?? new EvaluationOptions(), device, (x, horizon) => model.Forecast(x, horizon), onBatch, cancellationToken);
        }
        finally
        {
            model.Module.train(wasTraining);
        }
    }

    /// <summary>Evaluates the copy-last-frame forecast (every future frame equals the last context frame), the baseline every model must beat.</summary>
    public static void RunCopyLastFrame(IClipDataset dataset, EvaluationOptions? options, Action<EvaluationBatch> onBatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(onBatch);
        var opts = options ?? new EvaluationOptions();
        Walk(dataset, opts, TorchDevices.Resolve(opts.Device), CopyLastFrame, onBatch, cancellationToken);
    }

    /// <summary>The copy-last-frame forecast of <paramref name="context"/> (B, T, C, H, W) for <paramref name="horizon"/> frames.</summary>
    public static Tensor CopyLastFrame(Tensor context, int horizon)
    {
        ArgumentNullException.ThrowIfNull(context);
        var shape = context.shape.ToArray();
        shape[1] = horizon;
        return context.narrow(1, context.shape[1] - 1, 1).expand(shape).contiguous();
    }

    /// <summary>
    /// The constant-velocity forecast of <paramref name="context"/> (B, T, C, H, W), T ≥ 2, for <paramref name="horizon"/>
    /// frames: the last frame's motion since the frame before it (<see cref="MotionEstimation.Estimate"/>) carried on, so
    /// step k is the last frame moved along k times that motion (<see cref="FlowSampling.Warp"/>). It is what an untrained
    /// SimVP with <c>flow_prior</c> forecasts in its first pass.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two context frames.</exception>
    public static Tensor ConstantVelocity(Tensor context, int horizon)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        long t = context.shape[1];
        if (context.dim() != 5 || t < 2)
        {
            throw new ArgumentException($"the constant-velocity forecast needs (B, T, C, H, W) context with T >= 2, got {string.Join('x', context.shape)}", nameof(context));
        }

        using var scope = NewDisposeScope();
        var last = context.select(1, t - 1);
        var flows = MotionEstimation.CarriedOn(MotionEstimation.Estimate(context.select(1, t - 2), last), horizon);
        long b = context.shape[0], c = context.shape[2], h = context.shape[3], w = context.shape[4];
        var frames = last.unsqueeze(1).expand(b, horizon, c, h, w).reshape(b * horizon, c, h, w);
        return scope.MoveToOuter(FlowSampling.Warp(frames, flows.reshape(b * horizon, 2, h, w)).reshape(b, horizon, c, h, w));
    }

    /// <summary>
    /// Evaluates the blank-frame forecast (every future frame is one flat colour: the mean of the context frames, per
    /// clip and channel), the other baseline every model must beat: on sparse content such as Moving-MNIST it
    /// beats copying the last frame, and a model that only learnt the background scores like it.
    /// </summary>
    public static void RunBlankFrame(IClipDataset dataset, EvaluationOptions? options, Action<EvaluationBatch> onBatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(onBatch);
        var opts = options ?? new EvaluationOptions();
        Walk(dataset, opts, TorchDevices.Resolve(opts.Device), BlankFrame, onBatch, cancellationToken);
    }

    /// <summary>
    /// The blank-frame forecast of <paramref name="context"/> (B, T, C, H, W) for <paramref name="horizon"/> frames: every
    /// pixel of every frame is the mean of the clip's context frames in that channel.
    /// </summary>
    public static Tensor BlankFrame(Tensor context, int horizon)
    {
        ArgumentNullException.ThrowIfNull(context);
        var shape = context.shape.ToArray();
        shape[1] = horizon;
        return context.mean([1, 3, 4], keepdim: true).expand(shape).contiguous();
    }

    internal static void CheckShape(ModelConfig config, IClipDataset dataset)
    {
        if (config.FramesIn != dataset.FramesIn || config.Channels != dataset.Channels || config.Height != dataset.Height || config.Width != dataset.Width)
        {
            throw new ArgumentException(
                $"dataset {dataset.Name} has clips of {dataset.FramesIn} context frames of {dataset.Channels}×{dataset.Height}×{dataset.Width}, " +
                $"but the model expects {config.FramesIn} frames of {config.Channels}×{config.Height}×{config.Width}; build the model for this dataset's shape");
        }
    }

    /// <summary>Copies a batch into context and target tensors on the CPU (the batch's buffer may be reused afterwards).</summary>
    internal static (Tensor Inputs, Tensor Targets) ToTensors(ClipBatch batch, int framesIn)
    {
        var all = tensor(batch.Data, [batch.Size, batch.Frames, batch.Channels, batch.Height, batch.Width]);
        return (all.narrow(1, 0, framesIn), all.narrow(1, framesIn, batch.Frames - framesIn));
    }

    /// <summary>A loader that reads <paramref name="dataset"/> in order, keeping an incomplete last batch.</summary>
    internal static ClipBatchLoader InOrder(IClipDataset dataset, int batchSize) =>
        new(dataset, new ClipBatchLoaderOptions { BatchSize = batchSize, Shuffle = false, DropLast = false });

    internal static void Walk(IClipDataset dataset, EvaluationOptions options, Device device, Func<Tensor, int, Tensor> predict, Action<EvaluationBatch> onBatch, CancellationToken cancellationToken)
    {
        if (options.BatchSize < 1)
        {
            throw new ArgumentException($"evaluation batch size must be positive, got {options.BatchSize}", nameof(options));
        }

        int horizon = options.Horizon ?? dataset.FramesOut;
        if (horizon < 1 || horizon > dataset.FramesOut)
        {
            throw new ArgumentException($"evaluation horizon must be in 1..{dataset.FramesOut} (the dataset's target frames), got {horizon}", nameof(options));
        }

        int first = 0;
        foreach (var batch in InOrder(ClipSubset.Of(dataset, options.MaxClips), options.BatchSize).Epoch(0, cancellationToken))
        {
            using (batch)
            using (var scope = NewDisposeScope())
            using (inference_mode())
            {
                var (x, y) = ToTensors(batch, dataset.FramesIn);
                x = x.to(device);
                y = y.narrow(1, 0, horizon).to(device);
                var prediction = predict(x, horizon);
                onBatch(new EvaluationBatch(first, x, y, prediction));
                first += batch.Size;
            }
        }
    }
}
