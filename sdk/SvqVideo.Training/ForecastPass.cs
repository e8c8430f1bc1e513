using static TorchSharp.torch;

namespace SvqVideo.Training;

/// <summary>The forecast loss the trainer scores, in training and in validation.</summary>
internal static class ForecastPass
{
    /// <summary>The forecast loss (mean over every value).</summary>
    public static Tensor Loss(LossKind kind, Tensor prediction, Tensor target) => kind == LossKind.L2
        ? nn.functional.mse_loss(prediction, target)
        : nn.functional.l1_loss(prediction, target);
}
