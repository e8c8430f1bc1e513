using SvqVideo.Datasets;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Training;

/// <summary>
/// Per-step damping of a forecast towards copy-last-frame: forecast step t becomes
/// <c>last + s_t · (forecast_t − last)</c>, where <c>last</c> is the last context frame and each scale s_t in [0, 1] is
/// the least-squares fit of the predicted change to the true change over held-out clips. A model whose predicted change
/// at some step is mostly wrong (a short fit often is at the first steps) gets that step pulled towards copying; a step
/// it predicts well keeps its scale near 1. Steps past the fitted ones use the last fitted scale.
/// </summary>
/// <remarks>
/// The fit minimises the same squared error the trainer's L2 loss does, with its colour weighting: with
/// <c>chromaWeight</c> λ &lt; 1 and three channels, each pixel's RGB error counts as λ|e|² + (1 − λ)(e·y)²/|y|² (y the
/// BT.601 luma weights), so brightness errors weigh more than colour ones. Scales fitted on clips also used to report a
/// score flatter that score: a report should say so, or score clips the scales were not fitted on.
/// </remarks>
public sealed class ForecastDamping
{
    /// <summary>Creates a damping from its per-step scales, each in [0, 1].</summary>
    /// <exception cref="ArgumentException">No scale, or one outside [0, 1].</exception>
    public ForecastDamping(IReadOnlyList<double> scales)
    {
        ArgumentNullException.ThrowIfNull(scales);
        if (scales.Count == 0 || scales.Any(s => !(s >= 0 && s <= 1)))
        {
            throw new ArgumentException($"damping scales must be one or more values in [0, 1], got [{string.Join(", ", scales)}]", nameof(scales));
        }

        Scales = [.. scales];
    }

    /// <summary>The scale of each forecast step.</summary>
    public IReadOnlyList<double> Scales { get; }

    /// <summary>The scale of forecast step <paramref name="step"/> (0-based); steps past the fitted ones use the last.</summary>
    public double ScaleAt(int step) => Scales[Math.Clamp(step, 0, Scales.Count - 1)];

    /// <summary>
    /// Fits the scales of <paramref name="model"/>'s forecasts on <paramref name="clips"/> (every clip, in evaluation
    /// mode, one scale per target frame of the clips): s_t = clamp(⟨Δp_t, Δ_t⟩ / ⟨Δp_t, Δp_t⟩, 0, 1), with Δp_t the
    /// predicted and Δ_t the true change from the last context frame, summed over clips and pixels. A step whose predicted
    /// change is zero everywhere keeps scale 1 (damping would change nothing).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chromaWeight"/> is outside [0, 1].</exception>
    public static ForecastDamping Fit(IForecastModel model, IClipDataset clips, double chromaWeight, EvaluationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(clips);
        ArgumentOutOfRangeException.ThrowIfLessThan(chromaWeight, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chromaWeight, 1);
        var opts = (options ?? new EvaluationOptions()) with { MaxClips = 0, Horizon = null };
        var cross = new double[clips.FramesOut];
        var own = new double[clips.FramesOut];
        Evaluation.Run(model, clips, opts, batch =>
        {
            var (c, o) = Products(batch.Inputs, batch.Predictions, batch.Targets, chromaWeight);
            for (int t = 0; t < cross.Length; t++)
            {
                cross[t] += c[t];
                own[t] += o[t];
            }
        }, cancellationToken);
        return new ForecastDamping([.. cross.Select((c, t) => own[t] > 0 ? Math.Clamp(c / own[t], 0, 1) : 1)]);
    }

    /// <summary>
    /// Per step, the weighted inner products ⟨Δp, Δ⟩ and ⟨Δp, Δp⟩ of the predicted and true changes from the last frame of
    /// <paramref name="context"/> (B, T_in, C, H, W), summed over the batch and pixels (float64).
    /// </summary>
    internal static (double[] Cross, double[] Own) Products(Tensor context, Tensor prediction, Tensor target, double chromaWeight)
    {
        using var scope = NewDisposeScope();
        var last = context.narrow(1, context.shape[1] - 1, 1).to(ScalarType.Float64);
        var predicted = prediction.to(ScalarType.Float64) - last;
        var actual = target.to(ScalarType.Float64) - last;
        var cross = (predicted * actual).sum([0, 2, 3, 4]);
        var own = predicted.square().sum([0, 2, 3, 4]);
        if (chromaWeight < 1 && prediction.shape[2] == 3)
        {
            // λ⟨a, b⟩ + (1 − λ)(a·y)(b·y)/|y|², per pixel (y the luma weights).
            double norm2 = ForecastPass.LumaNorm2;
            var y = tensor(ForecastPass.Luma, dtype: ScalarType.Float64, device: prediction.device).view(1, 1, 3, 1, 1);
            var py = (predicted * y).sum(2);
            var ay = (actual * y).sum(2);
            cross = (cross * chromaWeight) + ((py * ay).sum([0, 2, 3]) * ((1 - chromaWeight) / norm2));
            own = (own * chromaWeight) + (py.square().sum([0, 2, 3]) * ((1 - chromaWeight) / norm2));
        }

        return (cross.cpu().data<double>().ToArray(), own.cpu().data<double>().ToArray());
    }

    /// <summary>
    /// Damps <paramref name="forecast"/> (B, T, C, H, W) made from <paramref name="context"/> (B, T_in, C, H, W): step t
    /// becomes last + s_t · (forecast_t − last). Returns a new tensor.
    /// </summary>
    public Tensor Apply(Tensor context, Tensor forecast)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(forecast);
        using var scope = NewDisposeScope();
        int steps = (int)forecast.shape[1];
        var scales = tensor(Enumerable.Range(0, steps).Select(t => (float)ScaleAt(t)).ToArray(), dtype: forecast.dtype, device: forecast.device).view(1, steps, 1, 1, 1);
        var last = context.narrow(1, context.shape[1] - 1, 1);
        return scope.MoveToOuter(last + ((forecast - last) * scales));
    }
}
