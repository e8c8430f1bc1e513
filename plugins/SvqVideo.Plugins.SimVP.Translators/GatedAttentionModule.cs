using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// gSTA's large-kernel gated unit (OpenSTL <c>AttentionModule</c>): depthwise (2d−1)×(2d−1) <c>conv0</c>,
/// depthwise dilated dd_k×dd_k <c>conv_spatial</c> with dd_k = K//d + ((K//d) % 2 − 1), then
/// <c>conv1</c> 1×1 C → 2C split into f and g; the output is sigmoid(g) ⊙ f. d = 3.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class GatedAttentionModule : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv2d conv0;
    private readonly Conv2d conv_spatial;
    private readonly Conv2d conv1;

    public GatedAttentionModule(long dim, int kernelSize, int dilation = 3)
        : base("AttentionModule")
    {
        var (dk, dp, ddk, ddp) = LargeKernelGeometry.Of(kernelSize, dilation);
        conv0 = nn.Conv2d(dim, dim, dk, padding: dp, groups: dim);
        conv_spatial = nn.Conv2d(dim, dim, ddk, padding: ddp, dilation: dilation, groups: dim);
        conv1 = nn.Conv2d(dim, 2 * dim, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var fg = conv1.forward(conv_spatial.forward(conv0.forward(input)));
        var parts = fg.chunk(2, 1);
        return scope.MoveToOuter(sigmoid(parts[1]) * parts[0]);
    }

    /// <summary>
    /// ONNX form: the two depthwise convs, then <c>conv1</c> written as two 1×1 convs (its first and second halves
    /// of output channels) for f and g, so no slice of a 2C tensor is needed; output sigmoid(g) ⊙ f.
    /// </summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        string a;
        using (graph.Scope("conv0"))
        {
            a = graph.Conv(conv0, input);
        }

        using (graph.Scope("conv_spatial"))
        {
            a = graph.Conv(conv_spatial, a);
        }

        long c = conv0.out_channels;
        using var scope = graph.Scope("conv1");
        using var wf = conv1.weight!.narrow(0, 0, c);
        using var bf = conv1.bias!.narrow(0, 0, c);
        using var wg = conv1.weight!.narrow(0, c, c);
        using var bg = conv1.bias!.narrow(0, c, c);
        string f = graph.Conv(conv1, a, wf, bf);
        string g = graph.Conv(conv1, a, wg, bg);
        return graph.Op("Mul", [graph.Op("Sigmoid", [g]), f]);
    }
}
