namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// The <c>tau</c> translator block (OpenSTL <c>TAUSubBlock</c>): gSTA's block with its attention replaced
/// by <c>proj_2(TemporalAttentionModule(t)) + u</c>, t = GELU(proj_1 u). As in the reference, the
/// temporal attention keeps PyTorch's default initialisation (it is swapped in after gSTA's init ran).
/// Extra keys <c>attn.spatial_gating_unit.fc.0.weight</c> [r, C] and <c>fc.2.weight</c> [C, r].
/// </summary>
internal static class TauSubBlock
{
    public static GASubBlock Create(int dim, int kernelSize = 21, double mlpRatio = 4.0, double drop = 0.0, double dropPath = 0.0, double initValue = 1e-2)
    {
        BlockArguments.RequirePositive(dim, "dim");
        var attention = new SpatialAttention("TemporalAttention", dim, new TemporalAttentionModule(dim, kernelSize));
        return new GASubBlock("TAUSubBlock", dim, attention, mlpRatio, drop, dropPath, initValue, initAttention: false);
    }
}
