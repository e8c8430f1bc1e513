using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// The attention wrapper shared by gSTA (<c>SpatialAttention</c>), VAN (<c>Attention</c>) and TAU
/// (<c>TemporalAttention</c>): <c>proj_2(unit(GELU(proj_1(u)))) + u</c>, where the unit is the
/// block-specific <c>spatial_gating_unit</c> and u is the (normalised) input.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
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

    /// <summary>
    /// ONNX form of ls ⊙ attn(u) for u = x·scale + shift (a folded BatchNorm): returns the branch
    /// ls ⊙ (proj_2(unit(GELU(proj_1 u))) + shift), with the affine folded into proj_1 and ls into proj_2, and the
    /// factor ls ⊙ scale the caller applies to x for the rest of the shortcut (float64, the caller disposes it).
    /// </summary>
    public (string Branch, Tensor ShortcutScale) ExportScaled(IOnnxGraph graph, string x, Tensor scale, Tensor shift, Tensor layerScale)
    {
        var unit = spatial_gating_unit as IOnnxExportable
            ?? throw new OnnxExportNotSupportedException($"attention unit {spatial_gating_unit.GetName()} has no ONNX form");
        using var ls = layerScale.detach().cpu().to(ScalarType.Float64).reshape(-1);
        var (w1, b1) = OnnxFolding.FoldInputAffine(proj_1.weight!, proj_1.bias, scale, shift);
        var (w2, b2) = OnnxFolding.ScaleOutput(proj_2.weight!, proj_2.bias, ls);
        using (w1)
        using (b1)
        using (w2)
        using (b2)
        using (var shiftedBias = b2 + (ls * shift))
        {
            string t;
            using (graph.Scope("proj_1"))
            {
                t = graph.Gelu(graph.Conv(proj_1, x, w1, b1));
            }

            using (graph.Scope("spatial_gating_unit"))
            {
                t = unit.ExportOnnx(graph, t);
            }

            using var scope = graph.Scope("proj_2");
            return (graph.Conv(proj_2, t, w2, shiftedBias), ls * scale);
        }
    }
}
