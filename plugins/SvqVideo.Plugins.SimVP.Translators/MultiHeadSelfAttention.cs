using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// Global multi-head self-attention over tokens (B, N, C) (UniFormer's <c>Attention</c>): <c>qkv</c>
/// (Linear C → 3C) viewed as (B, N, 3, heads, C/heads); per head softmax(q·kᵀ·(C/heads)^−½)·v; heads
/// concatenated in order (channel = head·(C/heads) + i); <c>proj</c> (Linear C → C), dropout.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class MultiHeadSelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly Dropout proj_drop;
    private readonly long _heads;
    private readonly double _scale;

    public MultiHeadSelfAttention(long dim, long heads, bool qkvBias, double projDrop)
        : base("Attention")
    {
        BlockArguments.RequireDivisible(dim, heads, "dim", $"self-attention uses {heads} heads of equal width");
        _heads = heads;
        _scale = Math.Pow(dim / heads, -0.5);
        qkv = nn.Linear(dim, 3 * dim, hasBias: qkvBias);
        proj = nn.Linear(dim, dim);
        proj_drop = nn.Dropout(projDrop);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        long b = input.shape[0], n = input.shape[1], c = input.shape[2];
        var parts = qkv.forward(input).reshape(b, n, 3, _heads, c / _heads).permute(2, 0, 3, 1, 4);
        var q = parts[0];
        var k = parts[1];
        var v = parts[2];
        var weights = (q.matmul(k.transpose(-2, -1)) * _scale).softmax(-1);
        var o = weights.matmul(v).transpose(1, 2).reshape(b, n, c);
        return scope.MoveToOuter(proj_drop.forward(proj.forward(o)));
    }

    /// <summary>
    /// ONNX form on tokens (B, N, C) of ls ⊙ attention(x·scale + shift): the input affine (a LayerNorm's) folded into
    /// <c>qkv</c>, which is written as three Linear layers (its q, k, v rows); per head softmax(q·kᵀ·scale)·v with
    /// <c>MatMul</c> and <c>Softmax</c> in the module's order; ls folded into <c>proj</c>.
    /// </summary>
    public string ExportScaled(IOnnxGraph graph, string x, Tensor scale, Tensor shift, Tensor layerScale)
    {
        using var scope = NewDisposeScope();
        long c = qkv.in_features, d = c / _heads;
        var (w, b) = OnnxFolding.FoldInputAffine(qkv.weight!, qkv.bias, scale, shift);
        var (wp, bp) = OnnxFolding.ScaleOutput(proj.weight!, proj.bias, layerScale);
        string Heads(int part, long[] perm)
        {
            using var named = graph.Scope(part switch { 0 => "q", 1 => "k", _ => "v" });
            string y = graph.Linear(qkv, x, w.narrow(0, part * c, c), b.narrow(0, part * c, c));
            return graph.Op("Transpose", [graph.Reshape(y, 0, 0, _heads, d)], ("perm", perm));
        }

        string o;
        using (graph.Scope("qkv"))
        {
            string q = Heads(0, [0, 2, 1, 3]);
            string k = Heads(1, [0, 2, 3, 1]);
            string v = Heads(2, [0, 2, 1, 3]);
            string weights = graph.Op("Softmax", [graph.Op("Mul", [graph.Op("MatMul", [q, k]), graph.Scalar("scale", _scale)])], ("axis", -1L));
            o = graph.Reshape(graph.Op("Transpose", [graph.Op("MatMul", [weights, v])], ("perm", new long[] { 0, 2, 1, 3 })), 0, 0, c);
        }

        using var projScope = graph.Scope("proj");
        return graph.Linear(proj, o, wp, bp);
    }
}
