using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>
/// The float64 references of the blocks with gSTA's layout (tests/fixtures/README.md, "SimVP" and "The other
/// translators"): <c>x = x + ls1·Attn(BN1 x)</c>, then <c>x = x + ls2·MixMlp(BN2 x)</c>, where Attn is gSTA's gated
/// large-kernel attention, VAN's large-kernel attention or TAU's temporal attention.
/// </summary>
internal static class GatedAttentionReference
{
    /// <summary>OpenSTL's GASubBlock with kernel size <paramref name="kernelSize"/> (MetaBlock passes 21).</summary>
    public static Tensor GaSubBlock(Tensor x, Weights w, int kernelSize = 21) => Block(x, w, u => GatedAttention(u, w.Under("attn."), kernelSize));

    /// <summary>VANSubBlock: the same layout with the ungated attention t ⊙ conv1(LKA(t)).</summary>
    public static Tensor VanSubBlock(Tensor x, Weights w) => Block(x, w, u => LargeKernelAttention(u, w.Under("attn.")));

    /// <summary>TAUSubBlock with kernel size <paramref name="kernelSize"/>: the attention s ⊙ f ⊙ t with the squeeze-excitation s.</summary>
    public static Tensor TauSubBlock(Tensor x, Weights w, int kernelSize = 21) => Block(x, w, u => TemporalAttention(u, w.Under("attn."), kernelSize));

    /// <summary>
    /// The large-kernel decomposition at dilation 3: a depthwise (2·3 − 1) = 5 kernel, then a depthwise dilated kernel
    /// K//3 made odd by subtracting one when even (K = 21 gives 7).
    /// </summary>
    public static (int Local, int Dilated) Kernels(int kernelSize)
    {
        int k = kernelSize / 3;
        return (5, k % 2 == 1 ? k : k - 1);
    }

    private static Tensor Block(Tensor x, Weights w, Func<Tensor, Tensor> attention)
    {
        x = x + (Ops.PerChannel(w["layer_scale_1"]) * attention(Ops.BatchNorm(x, w, "norm1")));
        return x + (Ops.PerChannel(w["layer_scale_2"]) * MixMlp(Ops.BatchNorm(x, w, "norm2"), w.Under("mlp.")));
    }

    /// <summary>1×1 fc1 → depthwise 3×3 → GELU → 1×1 fc2.</summary>
    private static Tensor MixMlp(Tensor u, Weights w)
    {
        var h = Ops.Depthwise(Ops.Conv(u, w, "fc1"), w, "dwconv.dwconv", 3);
        return Ops.Conv(Ops.Gelu(h), w, "fc2");
    }

    /// <summary>depthwise 5×5 then depthwise dilated (dilation 3) on t.</summary>
    private static Tensor Spatial(Tensor t, Weights gate, int kernelSize)
    {
        var (local, dilated) = Kernels(kernelSize);
        return Ops.Depthwise(Ops.Depthwise(t, gate, "conv0", local), gate, "conv_spatial", dilated, dilation: 3);
    }

    private static Tensor GatedAttention(Tensor u, Weights w, int kernelSize)
    {
        long c = u.shape[1];
        var t = Ops.Gelu(Ops.Conv(u, w, "proj_1"));
        var fg = Ops.Conv(Spatial(t, w.Under("spatial_gating_unit."), kernelSize), w, "spatial_gating_unit.conv1");
        Assert.Equal(2 * c, fg.shape[1]);
        var gated = fg[.., (int)c..].sigmoid() * fg[.., ..(int)c];
        return Ops.Conv(gated, w, "proj_2") + u;
    }

    private static Tensor LargeKernelAttention(Tensor u, Weights w)
    {
        var t = Ops.Gelu(Ops.Conv(u, w, "proj_1"));
        var a = Ops.Conv(Spatial(t, w.Under("spatial_gating_unit."), 21), w, "spatial_gating_unit.conv1");
        return Ops.Conv(t * a, w, "proj_2") + u;
    }

    private static Tensor TemporalAttention(Tensor u, Weights w, int kernelSize)
    {
        var gate = w.Under("spatial_gating_unit.");
        long c = u.shape[1];
        var t = Ops.Gelu(Ops.Conv(u, w, "proj_1"));
        var f = Ops.Conv(Spatial(t, gate, kernelSize), gate, "conv1");

        // Squeeze-excitation from t itself, hidden width r = C // max(C // 16, 4), Linear layers without bias.
        long r = c / Math.Max(c / 16, 4);
        Assert.Equal([r, c], gate["fc.0.weight"].shape);
        var squeezed = t.mean([2, 3]);
        var s = Ops.Linear(Ops.Relu(Ops.Linear(squeezed, gate, "fc.0")), gate, "fc.2").sigmoid();
        return Ops.Conv(s.reshape(u.shape[0], c, 1, 1) * f * t, w, "proj_2") + u;
    }
}
