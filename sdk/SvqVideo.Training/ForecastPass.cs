using static TorchSharp.torch;

namespace SvqVideo.Training;

/// <summary>The forecast loss the trainer scores, in training and in validation.</summary>
internal static class ForecastPass
{
    /// <summary>BT.601 luma weights of R, G and B.</summary>
    internal static readonly float[] Luma = [0.299f, 0.587f, 0.114f];

    /// <summary>|luma weights|², the squared length of the luma direction in RGB.</summary>
    internal const double LumaNorm2 = (0.299 * 0.299) + (0.587 * 0.587) + (0.114 * 0.114);

    /// <summary>
    /// The forecast loss of <paramref name="prediction"/> against <paramref name="target"/> (both (B, T, C, H, W)) under
    /// <paramref name="options"/>' <see cref="TrainingOptions.Loss"/>, <see cref="TrainingOptions.ChromaWeight"/> and
    /// <see cref="TrainingOptions.HorizonWeighting"/>; <paramref name="context"/> (B, T_in, C, H, W) supplies the last
    /// frame that horizon weighting compares with. With neither option it is the mean loss over every value.
    /// </summary>
    public static Tensor Loss(TrainingOptions options, Tensor prediction, Tensor target, Tensor context)
    {
        if (!options.HorizonWeighting && (options.ChromaWeight >= 1 || prediction.shape[2] != 3))
        {
            return options.Loss == LossKind.L2 ? nn.functional.mse_loss(prediction, target) : nn.functional.l1_loss(prediction, target);
        }

        using var scope = NewDisposeScope();
        var perStep = PerStep(options, prediction, target);
        if (!options.HorizonWeighting)
        {
            return scope.MoveToOuter(perStep.mean());
        }

        Tensor weights;
        using (no_grad())
        {
            var last = context.narrow(1, context.shape[1] - 1, 1).expand_as(target);
            var copy = PerStep(options, last, target);
            var mean = copy.mean();
            float meanValue = mean.item<float>();
            // At most 100× the mean weight, so that a step copy-last gets (almost) exactly right cannot take over.
            weights = meanValue > 0 ? mean / copy.clamp_min(meanValue * 0.01) : ones_like(copy);
        }

        return scope.MoveToOuter((perStep * weights).mean());
    }

    /// <summary>The loss of each forecast step (T values), each the mean over its values.</summary>
    private static Tensor PerStep(TrainingOptions options, Tensor prediction, Tensor target)
    {
        var error = prediction - target;
        var values = options.Loss == LossKind.L2 ? error.square() : error.abs();
        var perStep = values.mean([0, 2, 3, 4]);
        if (options.ChromaWeight >= 1 || prediction.shape[2] != 3)
        {
            return perStep;
        }

        // Split each pixel's RGB error e into its part along the luma direction y and the rest:
        // |e|² = (e·y)²/|y|² + colour part, so the weighted error is λ|e|² + (1 − λ)(e·y)²/|y|².
        var y = tensor(Luma, dtype: error.dtype, device: error.device).view(1, 1, 3, 1, 1);
        var luma = (error * y).sum(2) / Math.Sqrt(LumaNorm2);
        var lumaValues = options.Loss == LossKind.L2 ? luma.square() : luma.abs();
        // mean over channels of λ|e|² + (1 − λ)·luma² is λ·mean(e²) + (1 − λ)·luma²/3 (per pixel, 3 channels).
        return (perStep * options.ChromaWeight) + (lumaValues.mean([0, 2, 3]) * ((1 - options.ChromaWeight) / 3));
    }
}
