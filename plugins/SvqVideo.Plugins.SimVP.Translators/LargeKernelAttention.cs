using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// VAN's large-kernel attention (OpenSTL <c>LKA</c>): depthwise 5×5 <c>conv0</c> (padding 2), depthwise
/// 7×7 <c>conv_spatial</c> with dilation 3 (padding 9), 1×1 <c>conv1</c> C → C, and the result
/// multiplied by the unit's input. There is no sigmoid gate and no split (unlike gSTA).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class LargeKernelAttention : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv2d conv0;
    private readonly Conv2d conv_spatial;
    private readonly Conv2d conv1;

    public LargeKernelAttention(long dim)
        : base("LKA")
    {
        conv0 = nn.Conv2d(dim, dim, 5, padding: 2, groups: dim);
        conv_spatial = nn.Conv2d(dim, dim, 7, padding: 9, dilation: 3, groups: dim);
        conv1 = nn.Conv2d(dim, dim, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var a = conv1.forward(conv_spatial.forward(conv0.forward(input)));
        return scope.MoveToOuter(input * a);
    }

    /// <summary>ONNX form: the three convs, then the product with the input.</summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        string a = input;
        foreach (var (name, conv) in new[] { ("conv0", conv0), ("conv_spatial", conv_spatial), ("conv1", conv1) })
        {
            using var scope = graph.Scope(name);
            a = graph.Conv(conv, a);
        }

        return graph.Op("Mul", [input, a]);
    }
}
