using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>
/// The float64 references of the convolutional MetaFormer blocks (tests/fixtures/README.md, "The other
/// translators"): ConvMixer, PoolFormer, MogaNet and UniFormer's 'Conv' block.
/// </summary>
internal static class ConvBlockReference
{
    /// <summary><c>x + BN_1(GELU(dw k×k 'same'))</c>, then <c>BN_2(GELU(1×1))</c> with no residual (MetaBlock passes k = 11).</summary>
    public static Tensor ConvMixer(Tensor x, Weights w, int kernelSize = 11)
    {
        x = x + Ops.BatchNorm(Ops.Gelu(Ops.Depthwise(x, w, "conv_dw", kernelSize)), w, "norm_1");
        return Ops.BatchNorm(Ops.Gelu(Ops.Conv(x, w, "conv_pw")), w, "norm_2");
    }

    /// <summary>
    /// <c>u = GN_1(x); x = x + ls1·(AvgPool(u) − u)</c> with GroupNorm(1) and 3×3 pooling that does not count the padding,
    /// then <c>x = x + ls2·fc2(GELU(fc1(GN_2 x)))</c>.
    /// </summary>
    public static Tensor PoolFormer(Tensor x, Weights w)
    {
        var u = Ops.GroupNorm(x, 1, w, "norm1");
        x = x + (Ops.PerChannel(w["layer_scale_1"]) * (Ops.AveragePoolWithoutPadding(u) - u));
        var h = Ops.Conv(Ops.Gelu(Ops.Conv(Ops.GroupNorm(x, 1, w, "norm2"), w, "mlp.fc1")), w, "mlp.fc2");
        return x + (Ops.PerChannel(w["layer_scale_2"]) * h);
    }

    /// <summary>
    /// MogaSubBlock with dilations [1, 2, 3] and channel split 1:3:4: <c>x = x + ls1 ⊙ MOGA(BN_1 x)</c>, then
    /// <c>x = x + ls2 ⊙ CAFFN(BN_2 x)</c>.
    /// </summary>
    public static Tensor Moga(Tensor x, Weights w)
    {
        x = x + (w["layer_scale_1"] * MultiOrderGatedAggregation(Ops.BatchNorm(x, w, "norm1"), w.Under("attn.")));
        return x + (w["layer_scale_2"] * ChannelAggregationFfn(Ops.BatchNorm(x, w, "norm2"), w.Under("mlp.")));
    }

    /// <summary>
    /// UniFormer's CBlock: <c>x = x + pos_embed(x)</c> (dw 3×3), <c>x = x + conv2(attn(conv1(BN_1 x)))</c> (attn dw 5×5),
    /// <c>x = x + fc2(GELU(fc1(BN_2 x)))</c>; no layer scales.
    /// </summary>
    public static Tensor UniformerConv(Tensor x, Weights w)
    {
        x = x + Ops.Depthwise(x, w, "pos_embed", 3);
        x = x + Ops.Conv(Ops.Depthwise(Ops.Conv(Ops.BatchNorm(x, w, "norm1"), w, "conv1"), w, "attn", 5), w, "conv2");
        return x + Ops.Conv(Ops.Gelu(Ops.Conv(Ops.BatchNorm(x, w, "norm2"), w, "mlp.fc1")), w, "mlp.fc2");
    }

    private static Tensor MultiOrderGatedAggregation(Tensor u, Weights w)
    {
        long c = u.shape[1];
        long c1 = 3 * c / 8, c2 = c / 2, c0 = c - c1 - c2;

        // Feature decomposition: y + σ ⊙ (y − its spatial mean), then SiLU.
        var y = Ops.Conv(u, w, "proj_1");
        y = Ops.Silu(y + (w["sigma"] * (y - y.mean([2, 3], keepdim: true))));
        var gate = Ops.Conv(y, w, "gate");

        // Multi-order depthwise convs: 5×5 on all channels, then 5×5 dilated 2 and 7×7 dilated 3 on two slices.
        var value = w.Under("value.");
        var v0 = Ops.Depthwise(y, value, "DW_conv0", 5);
        var v1 = Ops.Depthwise(v0[.., (int)c0..(int)(c0 + c1)], value, "DW_conv1", 5, dilation: 2);
        var v2 = Ops.Depthwise(v0[.., (int)(c - c2)..], value, "DW_conv2", 7, dilation: 3);
        var v = Ops.Conv(cat([v0[.., ..(int)c0], v1, v2], 1), value, "PW_conv");
        return Ops.Conv(Ops.Silu(gate) * Ops.Silu(v), w, "proj_2") + u;
    }

    private static Tensor ChannelAggregationFfn(Tensor u, Weights w)
    {
        var h = Ops.Gelu(Ops.Depthwise(Ops.Conv(u, w, "fc1"), w, "dwconv", 3));
        Assert.Equal(1, w["decompose.weight"].shape[0]);
        h = h + (w["sigma"] * (h - Ops.Gelu(Ops.Conv(h, w, "decompose"))));
        return Ops.Conv(h, w, "fc2");
    }
}
