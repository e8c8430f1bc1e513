using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// MogaNet's channel-aggregation FFN (<c>ChannelAggregationFFN</c>): <c>h = GELU(dwconv(fc1 u))</c> (1×1 C → m,
/// depthwise 3×3), dropout, <c>h = h + sigma ⊙ (h − GELU(decompose h))</c> with <c>decompose</c> a 1×1 conv
/// m → 1 whose output broadcasts over the m channels, then <c>fc2</c> (1×1 m → C), dropout.
/// <c>sigma</c> has shape (1, m, 1, 1) and starts at 1e-5.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class ChannelAggregationFfn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d fc1;
    private readonly Conv2d dwconv;
    private readonly Conv2d fc2;
    private readonly Dropout drop;
    private readonly Conv2d decompose;
    private readonly Parameter sigma;

    public ChannelAggregationFfn(long dim, long hidden, double drop, int kernelSize = 3)
        : base("ChannelAggregationFFN")
    {
        fc1 = nn.Conv2d(dim, hidden, 1);
        dwconv = nn.Conv2d(hidden, hidden, kernelSize, padding: kernelSize / 2, groups: hidden);
        fc2 = nn.Conv2d(hidden, dim, 1);
        this.drop = nn.Dropout(drop);
        decompose = nn.Conv2d(hidden, 1, 1);
        sigma = ReferenceInit.Filled([1, hidden, 1, 1], 1e-5);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var h = drop.forward(nn.functional.gelu(dwconv.forward(fc1.forward(input))));
        h = h + sigma * (h - nn.functional.gelu(decompose.forward(h)));
        return scope.MoveToOuter(drop.forward(fc2.forward(h)));
    }

    /// <summary>
    /// ONNX form of ls ⊙ CAFFN(x·scale + shift): the input affine (a BatchNorm) folded into <c>fc1</c>, the layer scale
    /// into <c>fc2</c>; <c>decompose</c>'s one channel broadcasts over the hidden channels as in the module.
    /// </summary>
    public string ExportScaled(IOnnxGraph graph, string x, Tensor scale, Tensor shift, Tensor layerScale)
    {
        using var scope = NewDisposeScope();
        var (w1, b1) = OnnxFolding.FoldInputAffine(fc1.weight!, fc1.bias, scale, shift);
        var (w2, b2) = OnnxFolding.ScaleOutput(fc2.weight!, fc2.bias, layerScale);
        string h;
        using (graph.Scope("fc1"))
        {
            h = graph.Conv(fc1, x, w1, b1);
        }

        using (graph.Scope("dwconv"))
        {
            h = graph.Gelu(graph.Conv(dwconv, h));
        }

        string decomposed;
        using (graph.Scope("decompose"))
        {
            decomposed = graph.Gelu(graph.Conv(decompose, h));
        }

        using (var s = sigma.detach().cpu().reshape(-1))
        {
            h = graph.Op("Add", [h, graph.ChannelAffine(graph.Op("Sub", [h, decomposed]), s, null)]);
        }

        using var outScope = graph.Scope("fc2");
        return graph.Conv(fc2, h, w2, b2);
    }
}
