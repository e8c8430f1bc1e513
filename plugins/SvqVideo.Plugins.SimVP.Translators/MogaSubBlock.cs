using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// The <c>moga</c> translator block (OpenSTL <c>MogaSubBlock</c>): <c>x = x + DropPath(ls1 ⊙ MOGA(BN1 x))</c>,
/// then <c>x = x + DropPath(ls2 ⊙ CAFFN(BN2 x))</c>. The layer scales have shape (1, C, 1, 1) and start at
/// <c>initValue</c> (1e-5). C must be divisible by the sum of the channel split (8 for [1, 3, 4]).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class MogaSubBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly BatchNorm2d norm1;
    private readonly MultiOrderGatedAggregation attn;
    private readonly DropPath drop_path;
    private readonly BatchNorm2d norm2;
    private readonly ChannelAggregationFfn mlp;
    private readonly Parameter layer_scale_1;
    private readonly Parameter layer_scale_2;

    public MogaSubBlock(int embedDims, double mlpRatio = 4.0, double dropRate = 0.0, double dropPathRate = 0.0, double initValue = 1e-5, int[]? attnDwDilation = null, int[]? attnChannelSplit = null)
        : base(nameof(MogaSubBlock))
    {
        BlockArguments.RequirePositive(embedDims, "embed_dims");
        BlockArguments.RequireMlpRatio(mlpRatio);
        BlockArguments.RequireRate(dropRate, "drop_rate");
        norm1 = nn.BatchNorm2d(embedDims);
        attn = new MultiOrderGatedAggregation(embedDims, attnDwDilation ?? [1, 2, 3], attnChannelSplit ?? [1, 3, 4]);
        drop_path = new DropPath(dropPathRate);
        norm2 = nn.BatchNorm2d(embedDims);
        mlp = new ChannelAggregationFfn(embedDims, BlockArguments.HiddenWidth(embedDims, mlpRatio), dropRate);
        layer_scale_1 = ReferenceInit.Filled([1, embedDims, 1, 1], initValue);
        layer_scale_2 = ReferenceInit.Filled([1, embedDims, 1, 1], initValue);
        RegisterComponents();
        ReferenceInit.ConvFanOut(this);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input + drop_path.forward(layer_scale_1 * attn.forward(norm1.forward(input)));
        x = x + drop_path.forward(layer_scale_2 * mlp.forward(norm2.forward(x)));
        return scope.MoveToOuter(x);
    }

    /// <summary>
    /// ONNX form with gSTA's folding: both BatchNorms folded into the 1×1 convs that read them (<c>attn.proj_1</c>,
    /// <c>mlp.fc1</c>), both layer scales into the convs that end their branches, the attention's shortcut of the
    /// normalised input as a per-channel factor on x.
    /// </summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        using var scope = NewDisposeScope();
        var (s1, t1) = OnnxFolding.BatchNormAffine(norm1);
        var (s2, t2) = OnnxFolding.BatchNormAffine(norm2);
        var ls1 = layer_scale_1.detach().cpu().to(ScalarType.Float64).reshape(-1);
        string branch;
        using (graph.Scope("attn"))
        {
            branch = attn.ExportScaled(graph, input, s1, t1, ls1);
        }

        string x = graph.Op("Add", [graph.ChannelAffine(input, (ls1 * s1) + 1, null), branch]);
        using var mlpScope = graph.Scope("mlp");
        return graph.Op("Add", [x, mlp.ExportScaled(graph, x, s2, t2, layer_scale_2)]);
    }
}
