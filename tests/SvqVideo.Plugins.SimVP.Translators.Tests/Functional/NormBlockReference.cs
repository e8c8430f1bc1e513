using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>
/// The float64 references of the LayerNorm blocks (tests/fixtures/README.md, "The other translators"): ConvNeXt,
/// HorNet, MLP-Mixer and UniFormer's 'MHSA' block.
/// </summary>
internal static class NormBlockReference
{
    /// <summary><c>x + gamma ⊙ fc2(GELU(fc1(LN2d(dw 7×7 x))))</c>, LN2d over C with eps 1e-6.</summary>
    public static Tensor ConvNeXt(Tensor x, Weights w)
    {
        var u = Ops.ChannelLayerNorm(Ops.Depthwise(x, w, "conv_dw", 7), w, "norm", 1e-6);
        u = Ops.Conv(Ops.Gelu(Ops.Conv(u, w, "mlp.fc1")), w, "mlp.fc2");
        return x + (Ops.PerChannel(w["gamma"]) * u);
    }

    /// <summary>
    /// HorBlock of order 4: <c>x = x + gamma1 ⊙ gnconv(LN_cf x)</c>; then channels-last
    /// <c>x = x + gamma2 ⊙ pwconv2(GELU(pwconv1(LN x)))</c>, both LayerNorms with eps 1e-6.
    /// </summary>
    public static Tensor HorNet(Tensor x, Weights w)
    {
        var h = x + (Ops.PerChannel(w["gamma1"]) * RecursiveGatedConv(Ops.ChannelLayerNorm(x, w, "norm1", 1e-6), w.Under("gnconv."), order: 4));
        var t = Ops.LastAxisLayerNorm(h.permute(0, 2, 3, 1), w, "norm2", 1e-6);
        t = Ops.Linear(Ops.Gelu(Ops.Linear(t, w, "pwconv1")), w, "pwconv2");
        return h + (w["gamma2"] * t).permute(0, 3, 1, 2);
    }

    /// <summary>
    /// timm's MixerBlock on the h·w tokens: <c>t = t + mlp_tokens(LN_1(t)ᵀ)ᵀ</c> (mixing along the token axis),
    /// <c>t = t + mlp_channels(LN_2 t)</c>; LayerNorms with eps 1e-6.
    /// </summary>
    public static Tensor MlpMixer(Tensor x, Weights w)
    {
        long h = x.shape[2], wd = x.shape[3];
        var t = Ops.ToTokens(x);
        var mixed = Mlp(Ops.LastAxisLayerNorm(t, w, "norm1", 1e-6).transpose(1, 2), w.Under("mlp_tokens."));
        t = t + mixed.transpose(1, 2);
        t = t + Mlp(Ops.LastAxisLayerNorm(t, w, "norm2", 1e-6), w.Under("mlp_channels."));
        return Ops.FromTokens(t, h, wd);
    }

    /// <summary>
    /// UniFormer's SABlock: <c>x = x + pos_embed(x)</c>, then on tokens <c>t = t + gamma_1 ⊙ Attn(LN_1 t)</c> and
    /// <c>t = t + gamma_2 ⊙ Mlp(LN_2 t)</c>, LayerNorms with eps 1e-5, 8 heads.
    /// </summary>
    public static Tensor UniformerAttention(Tensor x, Weights w)
    {
        long h = x.shape[2], wd = x.shape[3];
        x = x + Ops.Depthwise(x, w, "pos_embed", 3);
        var t = Ops.ToTokens(x);
        t = t + (w["gamma_1"] * SelfAttention(Ops.LastAxisLayerNorm(t, w, "norm1", 1e-5), w.Under("attn."), heads: 8));
        t = t + (w["gamma_2"] * Mlp(Ops.LastAxisLayerNorm(t, w, "norm2", 1e-5), w.Under("mlp.")));
        return Ops.FromTokens(t, h, wd);
    }

    /// <summary>
    /// gnconv: f = proj_in(x) (C → 2C); p = its first C/8 channels, the rest through dw 7×7 and split into widths
    /// C/8, C/4, C/2, C; y = p ⊙ q0, y = pws.i(y) ⊙ q(i+1), then proj_out.
    /// </summary>
    private static Tensor RecursiveGatedConv(Tensor x, Weights w, int order)
    {
        long c = x.shape[1];
        long[] widths = [.. Enumerable.Range(0, order).Select(i => c >> (order - 1 - i))];
        var f = Ops.Conv(x, w, "proj_in");
        var p = f[.., ..(int)widths[0]];
        var q = Ops.Depthwise(f[.., (int)widths[0]..], w, "dwconv", 7);
        var offsets = new long[order + 1];
        for (int i = 0; i < order; i++)
        {
            offsets[i + 1] = offsets[i] + widths[i];
        }

        var y = p * q[.., (int)offsets[0]..(int)offsets[1]];
        for (int i = 0; i < order - 1; i++)
        {
            y = Ops.Conv(y, w, $"pws.{i}") * q[.., (int)offsets[i + 1]..(int)offsets[i + 2]];
        }

        return Ops.Conv(y, w, "proj_out");
    }

    /// <summary>Linear fc1 → GELU → Linear fc2 on the last axis.</summary>
    private static Tensor Mlp(Tensor t, Weights w) => Ops.Linear(Ops.Gelu(Ops.Linear(t, w, "fc1")), w, "fc2");

    /// <summary>
    /// Multi-head self-attention over all tokens: qkv (C → 3C) viewed as (B, N, 3, heads, C/heads); per head
    /// softmax(q·kᵀ/√d)·v; heads concatenated in order (channel = head·d + i), then proj.
    /// </summary>
    private static Tensor SelfAttention(Tensor t, Weights w, int heads)
    {
        long b = t.shape[0], n = t.shape[1], c = t.shape[2], d = c / heads;
        var qkv = Ops.Linear(t, w, "qkv").reshape(b, n, 3, heads, d);
        var outputs = new List<Tensor>(heads);
        for (int head = 0; head < heads; head++)
        {
            var q = qkv[.., .., 0, head];
            var k = qkv[.., .., 1, head];
            var v = qkv[.., .., 2, head];
            var scores = q.matmul(k.transpose(1, 2)) / Math.Sqrt(d);
            var e = (scores - scores.amax([2], keepdim: true)).exp();
            var weights = e / e.sum([2], keepdim: true);
            outputs.Add(weights.matmul(v));
        }

        return Ops.Linear(cat(outputs, 2), w, "proj");
    }
}
