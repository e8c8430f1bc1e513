using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// HorNet's recursive gated convolution (<c>gnconv</c>) of order n on (B, C, H, W), widths
/// d = [C/2^(n−1), …, C/2, C]: <c>f = proj_in(x)</c> (1×1 C → 2C) split into p (d0 channels) and the rest,
/// which goes through a depthwise 7×7 <c>dwconv</c> (Σd channels, scale 1.0) and is split into q0…q(n−1);
/// then <c>y = p ⊙ q0</c>, <c>y = pws.i(y) ⊙ q(i+1)</c> and <c>proj_out(y)</c>.
/// </summary>
internal sealed class RecursiveGatedConv : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d proj_in;
    private readonly Conv2d dwconv;
    private readonly ModuleList<Conv2d> pws;
    private readonly Conv2d proj_out;
    private readonly long[] _dims;

    public RecursiveGatedConv(long dim, int order)
        : base("gnconv")
    {
        BlockArguments.RequirePositive(order, "order");
        long divisor = 1L << (order - 1);
        BlockArguments.RequireDivisible(dim, divisor, "dim", $"HorNet's order-{order} gnconv splits the channels into C/{divisor} … C");
        _dims = [.. Enumerable.Range(0, order).Select(i => dim >> (order - 1 - i))];
        long total = _dims.Sum();
        proj_in = nn.Conv2d(dim, 2 * dim, 1);
        dwconv = nn.Conv2d(total, total, 7, padding: 3, groups: total);
        pws = nn.ModuleList(Enumerable.Range(0, order - 1).Select(i => nn.Conv2d(_dims[i], _dims[i + 1], 1)).ToArray());
        proj_out = nn.Conv2d(dim, dim, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var fused = proj_in.forward(input);
        var pwa = fused.narrow(1, 0, _dims[0]);
        var abc = fused.narrow(1, _dims[0], fused.shape[1] - _dims[0]);
        var dw = dwconv.forward(abc).split(_dims, 1);
        var x = pwa * dw[0];
        for (int i = 0; i < pws.Count; i++)
        {
            x = pws[i].forward(x) * dw[i + 1];
        }

        return scope.MoveToOuter(proj_out.forward(x));
    }
}
