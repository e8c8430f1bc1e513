using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Metrics;

/// <summary>
/// One LPIPS calibration layer (the lpips package's <c>NetLinLayer</c>): Dropout (inactive in eval)
/// then a 1×1 convolution without bias from the tap's channels to 1. Keys: <c>model.1.weight</c>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class LpipsLinearLayer : nn.Module<Tensor, Tensor>
{
    private readonly Sequential model;

    public LpipsLinearLayer(int channels) : base("NetLinLayer")
    {
        model = nn.Sequential(("0", nn.Dropout(0.5)), ("1", nn.Conv2d(channels, 1, 1, bias: false)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => model.forward(input);
}
