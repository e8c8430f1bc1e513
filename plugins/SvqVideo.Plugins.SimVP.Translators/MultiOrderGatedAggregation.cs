using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// MogaNet's spatial aggregation (<c>MultiOrderGatedAggregation</c>): <c>y = proj_1(u)</c>,
/// <c>y = SiLU(y + sigma ⊙ (y − mean_{H,W} y))</c>, then <c>proj_2(SiLU(gate(y)) ⊙ SiLU(value(y))) + u</c>.
/// <c>sigma</c> has shape (1, C, 1, 1) and starts at 1e-5.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class MultiOrderGatedAggregation : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d proj_1;
    private readonly Conv2d gate;
    private readonly MultiOrderDWConv value;
    private readonly Conv2d proj_2;
    private readonly Parameter sigma;

    public MultiOrderGatedAggregation(long dim, int[] dilations, int[] channelSplit)
        : base(nameof(MultiOrderGatedAggregation))
    {
        proj_1 = nn.Conv2d(dim, dim, 1);
        gate = nn.Conv2d(dim, dim, 1);
        value = new MultiOrderDWConv(dim, dilations, channelSplit);
        proj_2 = nn.Conv2d(dim, dim, 1);
        sigma = ReferenceInit.Filled([1, dim, 1, 1], 1e-5);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var y = proj_1.forward(input);
        y = nn.functional.silu(y + sigma * (y - y.mean([2, 3], keepdim: true)));
        var aggregated = nn.functional.silu(gate.forward(y)) * nn.functional.silu(value.forward(y));
        return scope.MoveToOuter(proj_2.forward(aggregated) + input);
    }

    /// <summary>
    /// ONNX form of ls ⊙ MOGA(u) for u = x·scale + shift, without the shortcut's ls ⊙ scale ⊙ x (the caller adds that):
    /// the affine folded into <c>proj_1</c>, ls into <c>proj_2</c> (whose bias also takes ls ⊙ shift).
    /// </summary>
    public string ExportScaled(IOnnxGraph graph, string x, Tensor scale, Tensor shift, Tensor layerScale)
    {
        using var scope = NewDisposeScope();
        var (w1, b1) = OnnxFolding.FoldInputAffine(proj_1.weight!, proj_1.bias, scale, shift);
        var (w2, b2) = OnnxFolding.ScaleOutput(proj_2.weight!, proj_2.bias, layerScale);
        string y;
        using (graph.Scope("proj_1"))
        {
            y = graph.Conv(proj_1, x, w1, b1);
        }

        string deviation = graph.Op("Sub", [y, graph.Op("GlobalAveragePool", [y])]);
        using (var s = sigma.detach().cpu().reshape(-1))
        {
            y = graph.Silu(graph.Op("Add", [y, graph.ChannelAffine(deviation, s, null)]));
        }

        string g, v;
        using (graph.Scope("gate"))
        {
            g = graph.Silu(graph.Conv(gate, y));
        }

        using (graph.Scope("value"))
        {
            v = graph.Silu(value.ExportOnnx(graph, y));
        }

        using var outScope = graph.Scope("proj_2");
        return graph.Conv(proj_2, graph.Op("Mul", [g, v]), w2, b2 + (layerScale.detach().cpu().to(ScalarType.Float64).reshape(-1) * shift));
    }
}
