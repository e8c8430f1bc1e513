using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// gSTA's block (OpenSTL <c>GASubBlock</c>), a pre-norm MetaFormer block on (B, C, H, W):
/// <c>x + DropPath(ls1 · Attn(BN1(x)))</c>, then <c>x + DropPath(ls2 · MixMlp(BN2(x)))</c>, with
/// BatchNorm2d norms, per-channel layer scales <c>layer_scale_1/2</c> and the gated large-kernel
/// spatial attention. The output has the input's shape. State-dict keys are the reference's
/// (<c>norm1.*</c>, <c>attn.proj_1.*</c>, <c>attn.spatial_gating_unit.{conv0,conv_spatial,conv1}.*</c>,
/// <c>attn.proj_2.*</c>, <c>norm2.*</c>, <c>mlp.{fc1,dwconv.dwconv,fc2}.*</c>, <c>layer_scale_{1,2}</c>).
/// Not thread-safe; dispose to free its parameters.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
public sealed class GASubBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly BatchNorm2d norm1;
    private readonly SpatialAttention attn;
    private readonly DropPath drop_path;
    private readonly BatchNorm2d norm2;
    private readonly MixMlp mlp;
    private readonly Parameter layer_scale_1;
    private readonly Parameter layer_scale_2;

    /// <summary>Builds the block with the reference's arguments and defaults.</summary>
    /// <param name="dim">Channels C.</param>
    /// <param name="kernelSize">Large kernel K (≥ 3) decomposed as 5×5 then dd_k×dd_k dilated by 3, dd_k = K//3 + ((K//3) % 2 − 1).</param>
    /// <param name="mlpRatio">MLP hidden width is int(C · mlpRatio).</param>
    /// <param name="drop">Dropout inside the MLP (identity in eval).</param>
    /// <param name="dropPath">Stochastic-depth probability of both residual branches (identity in eval).</param>
    /// <param name="initValue">Initial value of every layer-scale entry.</param>
    /// <exception cref="ArgumentException">A width or rate is out of range (the message names it).</exception>
    public GASubBlock(int dim, int kernelSize = 21, double mlpRatio = 4.0, double drop = 0.0, double dropPath = 0.1, double initValue = 1e-2)
        : this(nameof(GASubBlock), dim, Validate(dim, kernelSize, mlpRatio, drop), mlpRatio, drop, dropPath, initValue, initAttention: true)
    {
    }

    /// <summary>
    /// The same block around another attention (VAN's LKA, TAU's temporal attention). With
    /// <paramref name="initAttention"/> false the attention keeps its own initialisation, as TAU's does
    /// (the reference swaps it in after the block's init has run).
    /// </summary>
    internal GASubBlock(string name, int dim, SpatialAttention attention, double mlpRatio, double drop, double dropPath, double initValue, bool initAttention)
        : base(name)
    {
        BlockArguments.RequirePositive(dim, "dim");
        BlockArguments.RequireMlpRatio(mlpRatio);
        BlockArguments.RequireRate(drop, "drop");
        BlockArguments.RequireRate(dropPath, "drop_path");
        norm1 = nn.BatchNorm2d(dim);
        attn = attention;
        drop_path = new DropPath(dropPath);
        norm2 = nn.BatchNorm2d(dim);
        mlp = new MixMlp(dim, BlockArguments.HiddenWidth(dim, mlpRatio), drop);
        layer_scale_1 = ReferenceInit.Filled([dim], initValue);
        layer_scale_2 = ReferenceInit.Filled([dim], initValue);
        RegisterComponents();
        if (initAttention)
        {
            ReferenceInit.ConvFanOut(attn);
        }
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input + drop_path.forward(layer_scale_1.view(1, -1, 1, 1) * attn.forward(norm1.forward(input)));
        x = x + drop_path.forward(layer_scale_2.view(1, -1, 1, 1) * mlp.forward(norm2.forward(x)));
        return scope.MoveToOuter(x);
    }

    /// <summary>
    /// The eval-mode block as ONNX nodes (see <see cref="IOnnxExportable"/>). Both BatchNorms are folded into the
    /// 1×1 convolutions that read them (<c>attn.proj_1</c>, <c>mlp.fc1</c>) and both layer scales into the ones
    /// that end their branches (<c>attn.proj_2</c>, <c>mlp.fc2</c>); the attention's shortcut of the normalised
    /// input becomes a per-channel factor on x: x + ls1·(proj_2(…) + BN1 x) = x·(1 + ls1·s1) + proj_2'(…).
    /// </summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var (s1, t1) = OnnxFolding.BatchNormAffine(norm1);
        var (s2, t2) = OnnxFolding.BatchNormAffine(norm2);
        using (s1)
        using (t1)
        using (s2)
        using (t2)
        {
            string branch;
            Tensor shortcut;
            using (graph.Scope("attn"))
            {
                (branch, shortcut) = attn.ExportScaled(graph, input, s1, t1, layer_scale_1);
            }

            string x;
            using (shortcut)
            using (var factor = shortcut + 1)
            {
                x = graph.Op("Add", [graph.ChannelAffine(input, factor, null), branch]);
            }

            using var scope = graph.Scope("mlp");
            return graph.Op("Add", [x, mlp.ExportScaled(graph, x, s2, t2, layer_scale_2)]);
        }
    }

    private static SpatialAttention Validate(int dim, int kernelSize, double mlpRatio, double drop)
    {
        BlockArguments.RequirePositive(dim, "dim");
        BlockArguments.RequireMlpRatio(mlpRatio);
        BlockArguments.RequireRate(drop, "drop");
        return new SpatialAttention("SpatialAttention", dim, new GatedAttentionModule(dim, kernelSize));
    }
}
