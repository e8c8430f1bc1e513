using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>OpenSTL's <c>DWConv</c>: a depthwise 3×3 convolution (padding 1, bias) kept under the key <c>dwconv</c>.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class DepthwiseConv : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d dwconv;

    public DepthwiseConv(long dim)
        : base("DWConv")
    {
        dwconv = nn.Conv2d(dim, dim, 3, padding: 1, groups: dim);
        RegisterComponents();
    }

    /// <summary>The convolution, for exporters.</summary>
    public Conv2d Conv => dwconv;

    public override Tensor forward(Tensor input) => dwconv.forward(input);
}
