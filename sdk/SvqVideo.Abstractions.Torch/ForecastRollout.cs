using static TorchSharp.torch;

namespace SvqVideo.Torch;

/// <summary>
/// The one rule for forecasting past a model's single pass, shared by training, validation, evaluation and
/// <see cref="IForecastModel.Forecast"/>: the model runs on the latest <c>FramesIn</c> frames, its predictions are
/// appended to the context, and it runs again until the horizon is covered; the last pass is truncated.
/// </summary>
public static class ForecastRollout
{
    /// <summary>
    /// Forecasts <paramref name="horizon"/> frames after <paramref name="frames"/> (B, FramesIn, C, H, W).
    /// </summary>
    /// <param name="model">The model; its training flag decides the mode of every pass.</param>
    /// <param name="frames">The context, (B, FramesIn, C, H, W) on the model's device.</param>
    /// <param name="horizon">Frames to forecast, at least 1.</param>
    /// <param name="quantizerMetrics">
    /// Whether to read the quantizer's metrics of each pass (a device synchronisation per metric); when false the
    /// returned dictionary is empty.
    /// </param>
    /// <returns>
    /// The forecast (B, horizon, C, H, W), unclipped; the auxiliary losses of the passes summed (0-dim, differentiable);
    /// and the quantizer's metrics averaged over the passes.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="horizon"/> is less than 1.</exception>
    public static (Tensor Prediction, Tensor AuxLoss, IReadOnlyDictionary<string, double> QuantizerMetrics) Run(
        IForecastModel model, Tensor frames, int horizon, bool quantizerMetrics = false)
    {
        var (prediction, aux, metrics, _) = Roll(model, frames, horizon, quantizerMetrics, flows: null);
        return (prediction, aux, metrics);
    }

    /// <summary>
    /// Forecasts like <see cref="Run"/> and also gathers the flow of a model that forecasts by moving pixels
    /// (<see cref="ForecastModelOutput.Flow"/>), so a host can apply the same motion to the frames at another size.
    /// </summary>
    /// <param name="model">The model; its training flag decides the mode of every pass.</param>
    /// <param name="frames">The context, (B, FramesIn, C, H, W) on the model's device.</param>
    /// <param name="horizon">Frames to forecast, at least 1.</param>
    /// <returns>
    /// The forecast (B, horizon, C, H, W), unclipped; the flow (B, horizon, 2, H, W) in pixels, or null when any pass
    /// gave none; and for each forecast frame the frame its pass moved: −1 for the last context frame, k for forecast
    /// frame k (a later pass of a rollout moves the last frame the pass before it forecast).
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="horizon"/> is less than 1.</exception>
    public static (Tensor Prediction, Tensor? Flow, IReadOnlyList<int> Sources) RunWithFlow(IForecastModel model, Tensor frames, int horizon)
    {
        var flows = new List<Tensor?>();
        var (prediction, aux, _, sources) = Roll(model, frames, horizon, quantizerMetrics: false, flows);
        aux.Dispose();
        Tensor? flow = flows.Any(f => f is null) ? null : flows.Count == 1 ? flows[0]!.contiguous() : cat(flows.Select(f => f!).ToList(), 1);
        return (prediction, flow, sources);
    }

    private static (Tensor Prediction, Tensor AuxLoss, IReadOnlyDictionary<string, double> QuantizerMetrics, IReadOnlyList<int> Sources) Roll(
        IForecastModel model, Tensor frames, int horizon, bool quantizerMetrics, List<Tensor?>? flows)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        int framesIn = (int)frames.shape[1];
        var pieces = new List<Tensor>();
        var aux = zeros([], device: frames.device);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        var context = frames;
        var sources = new List<int>(horizon);
        int produced = 0;
        int passes = 0;
        while (produced < horizon)
        {
            var output = model.Forward(context);
            passes++;
            aux = aux.add(output.AuxLoss);
            if (quantizerMetrics && output.Quantizer is not null)
            {
                foreach (var (name, value) in output.Quantizer.Metrics)
                {
                    metrics[name] = metrics.GetValueOrDefault(name) + value.item<float>();
                }
            }

            var p = output.Prediction;
            int take = (int)Math.Min(p.shape[1], horizon - produced);
            pieces.Add(take == p.shape[1] ? p : p.narrow(1, 0, take));
            flows?.Add(output.Flow is not { } f ? null : take == f.shape[1] ? f : f.narrow(1, 0, take));
            // The pass moved the last frame of its context: the last context frame, then the previous pass's last forecast.
            sources.AddRange(Enumerable.Repeat(produced - 1, take));
            produced += take;
            if (produced < horizon)
            {
                // The latest FramesIn frames of context and predictions (with SimVP, the pass's predictions alone).
                var joined = cat([context, p], 1);
                context = joined.narrow(1, joined.shape[1] - framesIn, framesIn);
            }
        }

        foreach (var name in metrics.Keys.ToList())
        {
            metrics[name] /= passes;
        }

        var prediction = pieces.Count == 1 ? pieces[0].contiguous() : cat(pieces, 1);
        return (prediction, aux, metrics, sources);
    }
}
