using static TorchSharp.torch;

namespace SvqVideo.Metrics;

/// <summary>
/// LPIPS' input normalisation: (x − shift) / scale per RGB channel, where shift and scale are the
/// ImageNet mean and standard deviation expressed in [−1, 1] units. Both are (1, 3, 1, 1) buffers, so a
/// 1-channel input broadcasts to 3 channels (replicated gray), exactly as in the lpips package.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class LpipsScalingLayer : nn.Module<Tensor, Tensor>
{
    private readonly Tensor shift;
    private readonly Tensor scale;

    public LpipsScalingLayer() : base("ScalingLayer")
    {
        shift = tensor(new float[] { -0.030f, -0.088f, -0.188f }).reshape(1, 3, 1, 1);
        scale = tensor(new float[] { 0.458f, 0.448f, 0.450f }).reshape(1, 3, 1, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter((input - shift) / scale);
    }
}
