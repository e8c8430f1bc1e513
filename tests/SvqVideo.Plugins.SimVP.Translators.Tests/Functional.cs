using SvqVideo.Testing;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>
/// Plain functional building blocks for the fixture-free reference computations: written from the formulas
/// (not from the blocks' modules) and evaluated in float64, so a block's float32 output is compared with an
/// independent, more precise computation.
/// </summary>
internal static class Functional
{
    public const double Atol = 1e-4;
    public const double Rtol = 1e-4;

    public static Generator Generator(long seed) => new(unchecked((ulong)seed));

    /// <summary>
    /// Redraws every parameter of <paramref name="module"/> from a seeded generator: weights ~ N(0, 1/fan_in),
    /// biases ~ N(0, 0.1²), one-dimensional scales (norm weights, layer scales) ~ U[0.5, 1.5). Returns float64
    /// copies of the state dict for the reference computation.
    /// </summary>
    public static Dictionary<string, Tensor> Randomise(nn.Module module, long seed)
    {
        var g = Generator(seed);
        using (no_grad())
        {
            foreach (var (name, p) in module.named_parameters())
            {
                bool perChannel = p.dim() == 1 || (p.dim() == 4 && p.shape[0] == 1 && p.shape[2] == 1 && p.shape[3] == 1);
                if (p.dim() == 1 && name.EndsWith("bias", StringComparison.Ordinal))
                {
                    p.copy_(randn(p.shape, generator: g) * 0.1);
                }
                else if (perChannel)
                {
                    p.copy_(rand(p.shape, generator: g) + 0.5);
                }
                else
                {
                    long fanIn = p.shape.Skip(1).Aggregate(1L, (a, s) => a * s);
                    p.copy_(randn(p.shape, generator: g) / Math.Sqrt(fanIn));
                }
            }
        }

        return module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().to(float64).clone(), StringComparer.Ordinal);
    }

    /// <summary>GELU from its definition, x·Φ(x) = x·(1 + erf(x/√2))/2.</summary>
    public static Tensor Gelu(Tensor x) => x * 0.5 * (1 + (x / Math.Sqrt(2)).erf());

    /// <summary>Normalises (B, C, H, W) over C at each pixel with the biased variance, then a per-channel affine.</summary>
    public static Tensor ChannelLayerNorm(Tensor x, Tensor weight, Tensor bias, double eps)
    {
        var mean = x.mean([1], keepdim: true);
        var variance = (x - mean).pow(2).mean([1], keepdim: true);
        return ((x - mean) / (variance + eps).sqrt() * weight.view(1, -1, 1, 1)) + bias.view(1, -1, 1, 1);
    }

    /// <summary>Normalises over the last axis with the biased variance, then an affine over that axis.</summary>
    public static Tensor LastAxisLayerNorm(Tensor x, Tensor weight, Tensor bias, double eps)
    {
        var mean = x.mean([-1], keepdim: true);
        var variance = (x - mean).pow(2).mean([-1], keepdim: true);
        return ((x - mean) / (variance + eps).sqrt() * weight) + bias;
    }

    /// <summary>Element-wise |actual − expected| ≤ atol + rtol·|expected|, with the float64 reference.</summary>
    public static void AssertClose(Tensor expected, Tensor actual, string what) =>
        TensorAssert.Close(expected.to(float32), actual, Atol, Rtol, what);
}
