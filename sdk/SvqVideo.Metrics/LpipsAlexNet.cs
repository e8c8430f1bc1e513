using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Metrics;

/// <summary>
/// The AlexNet trunk LPIPS taps: torchvision's <c>features</c> cut into five slices, each ending in a
/// ReLU whose output is a tap (64, 192, 384, 256, 256 channels). The module names inside each slice are
/// the torchvision <c>features</c> indices, so the keys are <c>slice1.0.*</c>, <c>slice2.3.*</c>,
/// <c>slice3.6.*</c>, <c>slice4.8.*</c>, <c>slice5.10.*</c> as in the lpips package. The final max-pool
/// and the classifier are not part of LPIPS.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class LpipsAlexNet : nn.Module<Tensor, Tensor[]>
{
    /// <summary>The torchvision <c>features</c> index of each slice's convolution.</summary>
    public static readonly int[] FeatureIndices = [0, 3, 6, 8, 10];

    /// <summary>Channels of the five taps.</summary>
    public static readonly int[] TapChannels = [64, 192, 384, 256, 256];

    private readonly Sequential slice1;
    private readonly Sequential slice2;
    private readonly Sequential slice3;
    private readonly Sequential slice4;
    private readonly Sequential slice5;

    public LpipsAlexNet() : base("alexnet")
    {
        slice1 = nn.Sequential(("0", nn.Conv2d(3, 64, 11, stride: 4, padding: 2)), ("1", nn.ReLU()));
        slice2 = nn.Sequential(("2", nn.MaxPool2d(3, 2)), ("3", nn.Conv2d(64, 192, 5, padding: 2)), ("4", nn.ReLU()));
        slice3 = nn.Sequential(("5", nn.MaxPool2d(3, 2)), ("6", nn.Conv2d(192, 384, 3, padding: 1)), ("7", nn.ReLU()));
        slice4 = nn.Sequential(("8", nn.Conv2d(384, 256, 3, padding: 1)), ("9", nn.ReLU()));
        slice5 = nn.Sequential(("10", nn.Conv2d(256, 256, 3, padding: 1)), ("11", nn.ReLU()));
        RegisterComponents();
    }

    /// <summary>The five taps for a normalised (N, 3, H, W) batch.</summary>
    public override Tensor[] forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var h1 = slice1.forward(input);
        var h2 = slice2.forward(h1);
        var h3 = slice3.forward(h2);
        var h4 = slice4.forward(h3);
        var h5 = slice5.forward(h4);
        Tensor[] taps = [h1, h2, h3, h4, h5];
        foreach (var tap in taps)
        {
            tap.MoveToOuterDisposeScope();
        }

        return taps;
    }
}
