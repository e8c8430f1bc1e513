using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// TAU's attention unit (OpenSTL <c>TemporalAttentionModule</c>): the static branch
/// f = conv1(conv_spatial(conv0(t))) (depthwise 5×5, depthwise dilated dd_k×dd_k, 1×1 C → C) times a
/// squeeze-excitation s = sigmoid(fc.2(ReLU(fc.0(mean_{H,W} t)))) computed from the unit's input t,
/// times t itself: s ⊙ f ⊙ t. The SE width is r = C // max(C // 16, 4) (not C/16); both Linear
/// layers have no bias.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class TemporalAttentionModule : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv2d conv0;
    private readonly Conv2d conv_spatial;
    private readonly Conv2d conv1;
    private readonly Sequential fc;

    public TemporalAttentionModule(long dim, int kernelSize, int dilation = 3, int reduction = 16)
        : base(nameof(TemporalAttentionModule))
    {
        var (dk, dp, ddk, ddp) = LargeKernelGeometry.Of(kernelSize, dilation);
        long squeeze = SqueezeWidth(dim, reduction);
        conv0 = nn.Conv2d(dim, dim, dk, padding: dp, groups: dim);
        conv_spatial = nn.Conv2d(dim, dim, ddk, padding: ddp, dilation: dilation, groups: dim);
        conv1 = nn.Conv2d(dim, dim, 1);
        fc = nn.Sequential(
            nn.Linear(dim, squeeze, hasBias: false),
            nn.ReLU(),
            nn.Linear(squeeze, dim, hasBias: false),
            nn.Sigmoid());
        RegisterComponents();
    }

    /// <summary>The squeeze-excitation width r = C // max(C // reduction, 4).</summary>
    /// <exception cref="ArgumentOutOfRangeException">C &lt; 4, which leaves no SE channel.</exception>
    public static long SqueezeWidth(long dim, int reduction = 16)
    {
        long r = dim / Math.Max(dim / reduction, 4);
        if (r < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dim), dim, "tau needs at least 4 channels (the SE width C // max(C // 16, 4) would be 0)");
        }

        return r;
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var f = conv1.forward(conv_spatial.forward(conv0.forward(input)));
        var s = fc.forward(input.mean([2, 3])).view(input.shape[0], input.shape[1], 1, 1);
        return scope.MoveToOuter(s * f * input);
    }

    /// <summary>
    /// ONNX form: the static branch's three convs; the squeeze-excitation as <c>GlobalAveragePool</c>, its two bias-free
    /// Linear layers as 1×1 convs on the (N, C, 1, 1) means, ReLU and sigmoid; then s ⊙ f ⊙ x in the module's order.
    /// </summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        string f = input;
        foreach (var (name, conv) in new[] { ("conv0", conv0), ("conv_spatial", conv_spatial), ("conv1", conv1) })
        {
            using var scope = graph.Scope(name);
            f = graph.Conv(conv, f);
        }

        var linears = fc.children().OfType<Linear>().ToArray();
        string s;
        using (graph.Scope("fc"))
        {
            s = graph.Op("GlobalAveragePool", [input]);
            s = graph.Op("Relu", [graph.PointwiseLinear(linears[0], s)]);
            s = graph.Op("Sigmoid", [graph.PointwiseLinear(linears[1], s)]);
        }

        return graph.Op("Mul", [graph.Op("Mul", [s, f]), input]);
    }
}
