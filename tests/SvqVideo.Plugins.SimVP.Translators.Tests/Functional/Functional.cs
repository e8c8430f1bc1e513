using SvqVideo.Testing;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>
/// The set-up shared by the fixture-free checks: seeded random weights for every parameter and norm statistic of
/// a block (so every branch changes the output), seeded inputs, and the comparison of a block's float32 output
/// with a reference computed in float64 from the formulas (<see cref="Ops"/> and the <c>*Reference</c> classes,
/// which never use the blocks' own modules).
/// </summary>
internal static class Functional
{
    public const double Atol = 1e-4;
    public const double Rtol = 1e-4;

    public static Generator Generator(long seed) => new(unchecked((ulong)seed));

    /// <summary>Standard normal input of <paramref name="shape"/> from its own seeded generator.</summary>
    public static Tensor Input(long seed, params long[] shape) => randn(shape, generator: Generator(seed));

    /// <summary>
    /// Redraws every parameter of <paramref name="module"/> from a seeded generator: biases ~ N(0, 0.1²); norm weights
    /// ~ U[0.5, 1.5); layer scales (every other per-channel tensor: gamma*, layer_scale_*, Moga's sigmas) ~ U[0.2, 0.5),
    /// far from their tiny initial values so every branch counts, yet small enough that a stack of BatchNorm blocks
    /// (whose eval statistics do not renormalise) stays of order 1; every other weight ~ N(0, 1/fan_in).
    /// BatchNorm statistics become running_mean ~ N(0, 0.2²), running_var ~ U[0.5, 1.5).
    /// Returns float64 copies of the whole state dict for the reference computation.
    /// </summary>
    public static Weights Randomise(nn.Module module, long seed)
    {
        var g = Generator(seed);
        using (no_grad())
        {
            foreach (var (name, p) in module.named_parameters())
            {
                p.copy_(Draw(name, p.shape, g));
            }

            foreach (var (name, b) in module.named_buffers())
            {
                if (name.EndsWith("running_mean", StringComparison.Ordinal))
                {
                    b.copy_(randn(b.shape, generator: g) * 0.2);
                }
                else if (name.EndsWith("running_var", StringComparison.Ordinal))
                {
                    b.copy_(rand(b.shape, generator: g) + 0.5);
                }
            }
        }

        return new Weights(module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().to(float64).clone(), StringComparer.Ordinal));
    }

    /// <summary>Element-wise |actual − expected| ≤ atol + rtol·|expected| against the float64 reference.</summary>
    public static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(float64, expected.dtype);
        TensorAssert.Close(expected, actual, Atol, Rtol, what);
    }

    private static Tensor Draw(string name, long[] shape, Generator g)
    {
        string leaf = name[(name.LastIndexOf('.') + 1)..];
        if (leaf == "bias")
        {
            return randn(shape, generator: g) * 0.1;
        }

        if (shape.Length == 1 && leaf == "weight")
        {
            return rand(shape, generator: g) + 0.5;
        }

        bool layerScale = shape.Length == 1 || (leaf != "weight" && shape.Length == 4 && shape[0] == 1 && shape[2] == 1 && shape[3] == 1);
        if (layerScale)
        {
            return (rand(shape, generator: g) * 0.3) + 0.2;
        }

        long fanIn = shape.Skip(1).Aggregate(1L, (a, s) => a * s);
        return randn(shape, generator: g) / Math.Sqrt(fanIn);
    }
}
