using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// MogaNet's spatial aggregation (<c>MultiOrderGatedAggregation</c>): <c>y = proj_1(u)</c>,
/// <c>y = SiLU(y + sigma ⊙ (y − mean_{H,W} y))</c>, then <c>proj_2(SiLU(gate(y)) ⊙ SiLU(value(y))) + u</c>.
/// <c>sigma</c> has shape (1, C, 1, 1) and starts at 1e-5.
/// </summary>
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
}
