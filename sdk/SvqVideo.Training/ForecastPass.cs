using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Training;

/// <summary>The forecast the trainer scores, in training and in validation, and its loss.</summary>
internal static class ForecastPass
{
    /// <summary>
    /// One forward pass, truncated to the horizon, or an autoregressive rollout (predictions fed back as context)
    /// when the horizon is longer than a pass; the auxiliary losses of the passes are summed and the quantizer's
    /// metrics averaged over them.
    /// </summary>
    public static (Tensor Prediction, Tensor Aux, Dictionary<string, double> Metrics) Predict(IForecastModel model, Tensor context, int horizon)
    {
        int framesIn = (int)context.shape[1];
        var pieces = new List<Tensor>();
        var aux = zeros([], device: context.device);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        int produced = 0;
        int passes = 0;
        while (produced < horizon)
        {
            var output = model.Forward(context);
            passes++;
            aux = aux.add(output.AuxLoss);
            if (output.Quantizer is not null)
            {
                foreach (var (name, value) in output.Quantizer.Metrics)
                {
                    metrics[name] = metrics.GetValueOrDefault(name) + value.item<float>();
                }
            }

            var p = output.Prediction;
            int take = (int)Math.Min(p.shape[1], horizon - produced);
            pieces.Add(p.narrow(1, 0, take));
            produced += take;
            if (produced < horizon)
            {
                var joined = cat([context, p], 1);
                context = joined.narrow(1, joined.shape[1] - framesIn, framesIn);
            }
        }

        foreach (var name in metrics.Keys.ToList())
        {
            metrics[name] /= passes;
        }

        return (pieces.Count == 1 ? pieces[0] : cat(pieces, 1), aux, metrics);
    }

    /// <summary>The forecast loss (mean over every value).</summary>
    public static Tensor Loss(LossKind kind, Tensor prediction, Tensor target) => kind == LossKind.L2
        ? nn.functional.mse_loss(prediction, target)
        : nn.functional.l1_loss(prediction, target);
}
