namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// The <c>van</c> translator block (OpenSTL <c>VANSubBlock</c>): gSTA's layout (BatchNorm, per-channel
/// layer scales, MixMlp) around VAN's ungated attention <c>proj_2(t ⊙ LKA(t)) + u</c>, t = GELU(proj_1 u).
/// Keys as gSTA's except <c>attn.spatial_gating_unit.conv1</c> is C → C.
/// </summary>
internal static class VanSubBlock
{
    public static GASubBlock Create(int dim, double mlpRatio = 4.0, double drop = 0.0, double dropPath = 0.0, double initValue = 1e-2)
    {
        BlockArguments.RequirePositive(dim, "dim");
        var attention = new SpatialAttention("Attention", dim, new LargeKernelAttention(dim));
        return new GASubBlock("VANSubBlock", dim, attention, mlpRatio, drop, dropPath, initValue, initAttention: true);
    }
}
