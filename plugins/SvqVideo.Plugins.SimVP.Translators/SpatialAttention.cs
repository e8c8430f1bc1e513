using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// The attention wrapper shared by gSTA (<c>SpatialAttention</c>), VAN (<c>Attention</c>) and TAU
/// (<c>TemporalAttention</c>): <c>proj_2(unit(GELU(proj_1(u)))) + u</c>, where the unit is the
/// block-specific <c>spatial_gating_unit</c> and u is the (normalised) input.
/// </summary>
internal sealed class SpatialAttention : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d proj_1;
    private readonly nn.Module<Tensor, Tensor> spatial_gating_unit;
    private readonly Conv2d proj_2;

    public SpatialAttention(string name, long dim, nn.Module<Tensor, Tensor> gatingUnit)
        : base(name)
    {
        proj_1 = nn.Conv2d(dim, dim, 1);
        spatial_gating_unit = gatingUnit;
        proj_2 = nn.Conv2d(dim, dim, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var t = nn.functional.gelu(proj_1.forward(input));
        return scope.MoveToOuter(proj_2.forward(spatial_gating_unit.forward(t)) + input);
    }
}
