using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// UniFormer's self-attention block (<c>SABlock</c>, the <c>uniformer</c> translator's 'MHSA' type):
/// <c>x = x + pos_embed(x)</c> (depthwise 3×3); tokens t (B, H·W, C), token r·W + q for row r, column q;
/// <c>t = t + DropPath(gamma_1 ⊙ MHSA(LN1 t))</c>, <c>t = t + DropPath(gamma_2 ⊙ Mlp(LN2 t))</c>; back to
/// (B, C, H, W). LayerNorm eps is 1e-5 (PyTorch's default, unlike the other translators' 1e-6).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class UniformerAttentionBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv2d pos_embed;
    private readonly LayerNorm norm1;
    private readonly MultiHeadSelfAttention attn;
    private readonly DropPath drop_path;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly Parameter gamma_1;
    private readonly Parameter gamma_2;

    public UniformerAttentionBlock(int dim, int heads = 8, double mlpRatio = 4.0, double drop = 0.0, double dropPath = 0.0, double initValue = 1e-6)
        : base("SABlock")
    {
        BlockArguments.RequirePositive(dim, "dim");
        BlockArguments.RequirePositive(heads, "num_heads");
        BlockArguments.RequireMlpRatio(mlpRatio);
        BlockArguments.RequireRate(drop, "drop");
        pos_embed = nn.Conv2d(dim, dim, 3, padding: 1, groups: dim);
        norm1 = nn.LayerNorm(dim);
        attn = new MultiHeadSelfAttention(dim, heads, qkvBias: true, projDrop: drop);
        drop_path = new DropPath(dropPath);
        norm2 = nn.LayerNorm(dim);
        mlp = new Mlp(dim, BlockArguments.HiddenWidth(dim, mlpRatio), drop);
        gamma_1 = ReferenceInit.Filled([dim], initValue);
        gamma_2 = ReferenceInit.Filled([dim], initValue);
        RegisterComponents();
        ReferenceInit.LinearTruncNormal(this);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input + pos_embed.forward(input);
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var t = x.flatten(2).transpose(1, 2);
        t = t + drop_path.forward(gamma_1 * attn.forward(norm1.forward(t)));
        t = t + drop_path.forward(gamma_2 * mlp.forward(norm2.forward(t)));
        return scope.MoveToOuter(t.transpose(1, 2).reshape(b, c, h, w));
    }

    /// <summary>
    /// ONNX form: tokens (B, H·W, C) by <c>Reshape</c> and <c>Transpose</c>; both LayerNorms normalise
    /// (<c>LayerNormalization</c> with unit scale) and hand their affines to the next Linear (<c>attn.qkv</c>,
    /// <c>mlp.fc1</c>); <c>gamma_1</c>/<c>gamma_2</c> fold into <c>attn.proj</c>/<c>mlp.fc2</c>; back to (B, C, H, W).
    /// </summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        string x;
        using (graph.Scope("pos_embed"))
        {
            x = graph.Op("Add", [input, graph.Conv(pos_embed, input)]);
        }

        long c = pos_embed.out_channels;
        using var scope = NewDisposeScope();
        var unit = ones(c);
        string t = graph.Op("Transpose", [graph.Reshape(x, 0, c, -1)], ("perm", new long[] { 0, 2, 1 }));
        string n;
        using (graph.Scope("norm1"))
        {
            n = graph.LayerNorm(t, unit, null, norm1.eps);
        }

        using (graph.Scope("attn"))
        {
            t = graph.Op("Add", [t, attn.ExportScaled(graph, n, norm1.weight!, norm1.bias!, gamma_1)]);
        }

        using (graph.Scope("norm2"))
        {
            n = graph.LayerNorm(t, unit, null, norm2.eps);
        }

        using (graph.Scope("mlp"))
        {
            t = graph.Op("Add", [t, mlp.ExportScaled(graph, n, norm2.weight, norm2.bias, gamma_2)]);
        }

        return graph.Op("Reshape", [graph.Op("Transpose", [t], ("perm", new long[] { 0, 2, 1 })), graph.Op("Shape", [x])]);
    }
}
