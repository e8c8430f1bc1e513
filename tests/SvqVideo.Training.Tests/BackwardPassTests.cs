using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Training.Tests;

/// <summary>
/// <see cref="BackwardPass"/>: the convolution gradients it computes with the process's two intra-op threads
/// match a float64 reference (on AMD CPUs the plain multi-threaded backward pass of this network gives NaN in
/// most runs), and its thread choice follows the documented rules.
/// </summary>
public sealed class BackwardPassTests
{
    [Fact]
    public void ConvReluConvGradientsMatchAFloat64ReferenceWithTwoThreads()
    {
        // The shape of the repro in docs/training.md: conv(20→8, 3×3) → ReLU → conv(8→20, 3×3), L1 loss, batch 8 of 16×16.
        int saved = get_num_threads();
        set_num_threads(2);
        try
        {
            int threads = BackwardPass.ThreadsFor(CPU);
            for (int run = 0; run < 8; run++)
            {
                manual_seed(run);
                using var enc = nn.Conv2d(20, 8, 3, padding: 1);
                using var dec = nn.Conv2d(8, 20, 3, padding: 1);
                using var scope = NewDisposeScope();
                var x = rand(8, 20, 16, 16);
                var y = rand(8, 20, 16, 16);
                var loss = (dec.forward(nn.functional.relu(enc.forward(x))) - y).abs().mean();
                BackwardPass.Run(loss, threads);
                Assert.Equal(2, get_num_threads());

                var (encGrad, decGrad) = ReferenceGradients(enc, dec, x, y);
                AssertClose(encGrad, enc.weight!.grad!, $"run {run}: first conv's weight gradient");
                AssertClose(decGrad, dec.weight!.grad!, $"run {run}: second conv's weight gradient");
            }
        }
        finally
        {
            set_num_threads(saved);
        }
    }

    [Fact]
    public void AnExplicitCountWinsAndOtherwiseTheProcessorDecides()
    {
        Assert.Equal(3, BackwardPass.ThreadsFor(CPU, 3));
        if (Environment.GetEnvironmentVariable(BackwardPass.ThreadsVariable) is null)
        {
            // One thread only on AMD without the SSE4.1 cap on oneDNN, whose kernels are right at any thread count.
            int expected = BackwardPass.CpuVendor == "AuthenticAMD" && !CpuBackends.OneDnnCappedAtSse41 ? 1 : get_num_threads();
            Assert.Equal(expected, BackwardPass.ThreadsFor(CPU));
        }
    }

    [Fact]
    public void OnAmdOneDnnIsCappedAtSse41UnlessTheUserChoseOtherwise()
    {
        // The test assembly applies the hosts' start-up cap when it loads (tests/OneDnnGuard.cs).
        bool userChose = Environment.GetEnvironmentVariable(CpuBackends.OneDnnIsaVariable) is not null;
        if (BackwardPass.CpuVendor == "AuthenticAMD" && !userChose)
        {
            Assert.True(CpuBackends.OneDnnCappedAtSse41);
        }
        else if (!userChose)
        {
            Assert.False(CpuBackends.OneDnnCappedAtSse41);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ConvolutionForwardMatchesAFloat64Reference(int threads)
    {
        // The shape that showed oneDNN's AVX2/AVX-512 kernels wrong on an AMD EPYC (max |error| 0.46 of values up to 1.3).
        int saved = get_num_threads();
        set_num_threads(threads);
        try
        {
            manual_seed(3);
            using var conv = nn.Conv2d(20, 8, 3, padding: 1);
            using var scope = NewDisposeScope();
            var x = rand(8, 20, 16, 16);
            var expected = nn.functional.conv2d(x.to(float64), conv.weight!.to(float64), conv.bias!.to(float64), padding: [1, 1]);
            AssertClose(expected, conv.forward(x), $"conv forward with {threads} threads");
        }
        finally
        {
            set_num_threads(saved);
        }
    }

    [Fact]
    public void RunRestoresTheThreadCountAfterAFewerThreadPass()
    {
        int saved = get_num_threads();
        set_num_threads(2);
        try
        {
            using var scope = NewDisposeScope();
            var w = ones(3).requires_grad_(true);
            var seen = 0;
            var loss = (w * 2).sum();
            BackwardPass.Run(loss, 1);
            seen = get_num_threads();
            Assert.Equal(2, seen);
            Assert.Equal([2f, 2f, 2f], w.grad!.data<float>().ToArray());
        }
        finally
        {
            set_num_threads(saved);
        }
    }

    /// <summary>The same network in float64 on one thread (libtorch's native, non-oneDNN kernels).</summary>
    private static (Tensor Enc, Tensor Dec) ReferenceGradients(nn.Module<Tensor, Tensor> enc, nn.Module<Tensor, Tensor> dec, Tensor x, Tensor y)
    {
        var p = enc.parameters().Concat(dec.parameters()).Select(t => t.detach().to(float64).requires_grad_(true)).ToArray();
        var h = nn.functional.relu(nn.functional.conv2d(x.to(float64), p[0], p[1], padding: [1, 1]));
        var loss = (nn.functional.conv2d(h, p[2], p[3], padding: [1, 1]) - y.to(float64)).abs().mean();
        loss.backward();
        return (p[0].grad!, p[2].grad!);
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.True(actual.isfinite().all().item<bool>(), $"{what} holds NaN or infinite values");
        double scale = expected.abs().max().item<double>();
        double diff = (actual.to(float64) - expected).abs().max().item<double>();
        Assert.True(diff <= 1e-4 * scale + 1e-7, $"{what}: max |diff| {diff:g3} against a float64 reference of max {scale:g3}");
    }
}
