using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>
/// Primitive operations written from their definitions for the float64 references: activations, norms and
/// convolutions read their weights by state-dict key. Only plain tensor ops and <c>nn.functional.conv2d</c> are
/// used, never a module of the library under test.
/// </summary>
internal static class Ops
{
    /// <summary>GELU from its definition, x·Φ(x) = x·(1 + erf(x/√2))/2.</summary>
    public static Tensor Gelu(Tensor x) => x * 0.5 * (1 + (x / Math.Sqrt(2)).erf());

    /// <summary>SiLU, x·σ(x).</summary>
    public static Tensor Silu(Tensor x) => x * x.sigmoid();

    public static Tensor Relu(Tensor x) => x.clamp_min(0);

    public static Tensor LeakyRelu(Tensor x, double slope) => where(x.gt(0), x, x * slope);

    /// <summary>A convolution with the weight <c>{name}.weight</c> and, when the module has one, the bias <c>{name}.bias</c>.</summary>
    public static Tensor Conv(Tensor x, Weights w, string name, long padding = 0, long dilation = 1, long groups = 1) =>
        nn.functional.conv2d(x, w[name + ".weight"], w.Has(name + ".bias") ? w[name + ".bias"] : null, padding: [padding, padding], dilation: [dilation, dilation], groups: groups);

    /// <summary>Depthwise k×k convolution (one group per channel) whose padding keeps the size: dilation·(k − 1)/2.</summary>
    public static Tensor Depthwise(Tensor x, Weights w, string name, int kernel, int dilation = 1)
    {
        Assert.Equal(kernel, w[name + ".weight"].shape[^1]);
        return Conv(x, w, name, dilation * (kernel - 1) / 2, dilation, x.shape[1]);
    }

    /// <summary>Linear layer on the last axis: x·Wᵀ + b (no bias when the module has none).</summary>
    public static Tensor Linear(Tensor x, Weights w, string name)
    {
        var y = x.matmul(w[name + ".weight"].t());
        return w.Has(name + ".bias") ? y + w[name + ".bias"] : y;
    }

    /// <summary>BatchNorm2d in eval: (x − running_mean)/√(running_var + 1e-5)·weight + bias per channel.</summary>
    public static Tensor BatchNorm(Tensor x, Weights w, string name) =>
        ((x - PerChannel(w[name + ".running_mean"])) / (PerChannel(w[name + ".running_var"]) + 1e-5).sqrt() * PerChannel(w[name + ".weight"])) + PerChannel(w[name + ".bias"]);

    /// <summary>GroupNorm: mean and biased variance over each group's channels and all pixels (eps 1e-5), then a per-channel affine.</summary>
    public static Tensor GroupNorm(Tensor x, long groups, Weights w, string name)
    {
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
        var g = x.reshape(b, groups, -1);
        var mean = g.mean([2], keepdim: true);
        var variance = (g - mean).pow(2).mean([2], keepdim: true);
        var normed = ((g - mean) / (variance + 1e-5).sqrt()).reshape(b, c, h, wd);
        return (normed * PerChannel(w[name + ".weight"])) + PerChannel(w[name + ".bias"]);
    }

    /// <summary>LayerNorm over C at each pixel of (B, C, H, W) with the biased variance, then a per-channel affine.</summary>
    public static Tensor ChannelLayerNorm(Tensor x, Weights w, string name, double eps)
    {
        var mean = x.mean([1], keepdim: true);
        var variance = (x - mean).pow(2).mean([1], keepdim: true);
        return ((x - mean) / (variance + eps).sqrt() * PerChannel(w[name + ".weight"])) + PerChannel(w[name + ".bias"]);
    }

    /// <summary>LayerNorm over the last axis with the biased variance, then an affine over that axis.</summary>
    public static Tensor LastAxisLayerNorm(Tensor x, Weights w, string name, double eps)
    {
        var mean = x.mean([-1], keepdim: true);
        var variance = (x - mean).pow(2).mean([-1], keepdim: true);
        return ((x - mean) / (variance + eps).sqrt() * w[name + ".weight"]) + w[name + ".bias"];
    }

    /// <summary>
    /// 3×3 average pooling, stride 1, padding 1, where a window divides by the number of real pixels it covers:
    /// the window sums come from a ones kernel, the counts from the same sums over a ones image.
    /// </summary>
    public static Tensor AveragePoolWithoutPadding(Tensor x)
    {
        long c = x.shape[1];
        var ones3 = ones(c, 1, 3, 3, dtype: x.dtype, device: x.device);
        var sums = nn.functional.conv2d(x, ones3, padding: [1, 1], groups: c);
        var counts = nn.functional.conv2d(ones_like(x), ones3, padding: [1, 1], groups: c);
        return sums / counts;
    }

    /// <summary>(B, C, H, W) → tokens (B, H·W, C), the token at row r, column q at index r·W + q.</summary>
    public static Tensor ToTokens(Tensor x) => x.flatten(2).transpose(1, 2);

    /// <summary>Tokens (B, H·W, C) → (B, C, H, W), the inverse of <see cref="ToTokens"/>.</summary>
    public static Tensor FromTokens(Tensor t, long height, long width) => t.transpose(1, 2).reshape(t.shape[0], t.shape[2], height, width);

    /// <summary>A per-channel vector (C) or (1, C, 1, 1) shaped to broadcast over (B, C, H, W).</summary>
    public static Tensor PerChannel(Tensor v) => v.reshape(1, -1, 1, 1);
}
