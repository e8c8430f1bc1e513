using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// Global multi-head self-attention over tokens (B, N, C) (UniFormer's <c>Attention</c>): <c>qkv</c>
/// (Linear C → 3C) viewed as (B, N, 3, heads, C/heads); per head softmax(q·kᵀ·(C/heads)^−½)·v; heads
/// concatenated in order (channel = head·(C/heads) + i); <c>proj</c> (Linear C → C), dropout.
/// </summary>
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
}
