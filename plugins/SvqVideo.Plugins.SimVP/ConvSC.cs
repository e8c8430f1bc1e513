using SvqVideo.Torch.Onnx;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// OpenSTL's <c>ConvSC</c>: one encoder/decoder layer, a <see cref="BasicConv2d"/> under the key <c>conv</c>.
/// Stride 2 when downsampling; padding (k − stride + 1) // 2, so k // 2 at stride 1 and (k − 1) // 2 at stride 2.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class ConvSC : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d conv;

    public ConvSC(int cIn, int cOut, int kernelSize, bool downsampling, bool upsampling)
        : base(nameof(ConvSC))
    {
        int stride = downsampling ? 2 : 1;
        int padding = (kernelSize - stride + 1) / 2;
        conv = new BasicConv2d(cIn, cOut, kernelSize, stride, padding, upsampling);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => conv.forward(input);

    /// <summary>ONNX form of the layer (see <see cref="BasicConv2d.ExportOnnx"/>).</summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        using var scope = graph.Scope("conv");
        return conv.ExportOnnx(graph, input);
    }
}
