using SvqVideo.Plugins.Lfq;
using SvqVideo.Testing;
using SvqVideo.Torch;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SvqVideo.Quantizers.Tests.Lfq;

/// <summary>
/// The factored entropy terms (default) against the reference's dense tokens × K softmax: same values,
/// same gradients, from nearly uniform code distributions (clamp inactive) to confident bits (most codes
/// under the 1e-5 clamp).
/// </summary>
public sealed class LfqFastPathTests(ITestOutputHelper log)
{
    public static TheoryData<string, int, double> Cases()
    {
        var data = new TheoryData<string, int, double>();
        foreach (var device in new[] { "cpu", "cuda" })
        {
            foreach (int bits in new[] { 1, 2, 5, 8, 11 })
            {
                // Input scale × 4 × inv_temperature (100): 0.8 (soft bits), 4, 12 (the clamp bites), 400 (confident).
                foreach (double scale in new[] { 0.002, 0.01, 0.03, 1.0 })
                {
                    data.Add(device, bits, scale);
                }
            }
        }

        return data;
    }

    private static LookupFreeQuantizer Create(int bits, bool fastPath, double codebookScale = 1.0) =>
        new(new QuantizerOptions { Kind = "lfq", Dimension = bits, CodebookSize = 1 << bits }
            .With("fast_path", fastPath).With("codebook_scale", codebookScale));

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void FactoredEntropiesEqualTheDenseReferenceWithGradients(string device, int bits, double scale)
    {
        var dev = TestDevices.Require(device);
        using var q = Create(bits, fastPath: true);
        using var scope = NewDisposeScope();
        manual_seed(11);
        var x = (randn(3, 171, bits, device: dev) * scale).requires_grad_(true);

        var (fastSample, fastCodebook, fastGrad) = Run(x, q.FactoredEntropies);
        var (denseSample, denseCodebook, denseGrad) = Run(x, q.DenseEntropies);
        log.WriteLine($"bits {bits} scale {scale}: per-sample {denseSample.ToDouble():g9} vs {fastSample.ToDouble():g9}, codebook {denseCodebook.ToDouble():g9} vs {fastCodebook.ToDouble():g9}");

        TensorAssert.Close(denseSample, fastSample, 1e-5, 1e-5, $"bits {bits} scale {scale} per-sample entropy");
        TensorAssert.Close(denseCodebook, fastCodebook, 1e-5, 1e-5, $"bits {bits} scale {scale} codebook entropy");
        double gradScale = denseGrad.abs().max().ToDouble();
        Assert.True(gradScale > 0, $"bits {bits} scale {scale}: the dense gradient is identically zero, the comparison would be empty");
        TensorAssert.Close(denseGrad, fastGrad, 1e-4 * gradScale, 0, $"bits {bits} scale {scale} gradient (relative to its largest magnitude {gradScale:g3})");
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(-2.0)]
    public void FactoredEntropiesFollowTheCodebookScale(double codebookScale)
    {
        using var q = Create(6, fastPath: true, codebookScale);
        using var scope = NewDisposeScope();
        manual_seed(5);
        var x = randn(2, 64, 6) * 0.01;
        using var _ = no_grad();
        var (fastSample, fastCodebook) = q.FactoredEntropies(x);
        var (denseSample, denseCodebook) = q.DenseEntropies(x);
        TensorAssert.Close(denseSample, fastSample, 1e-5, 1e-5, "per-sample entropy");
        TensorAssert.Close(denseCodebook, fastCodebook, 1e-5, 1e-5, "codebook entropy");
    }

    [Fact]
    public void TrainingForwardGivesTheSameAuxLossOnEitherPath()
    {
        using var fast = Create(7, fastPath: true);
        using var dense = Create(7, fastPath: false);
        Assert.True(fast.Settings.FastPath);
        Assert.False(dense.Settings.FastPath);
        fast.train();
        dense.train();
        using var scope = NewDisposeScope();
        manual_seed(9);
        var latents = randn(2, 7, 5, 6) * 0.02;
        using var a = fast.Quantize(latents);
        using var b = dense.Quantize(latents);
        TensorAssert.Close(b.AuxLoss, a.AuxLoss, 1e-5, 1e-5, "aux loss");
        foreach (var name in b.Metrics.Keys)
        {
            TensorAssert.Close(b.Metrics[name], a.Metrics[name], 1e-5, 1e-5, name);
        }
    }

    [Fact]
    public void FastPathIsTheDefault() => Assert.True(LfqSettings.From(new LfqQuantizerFactory().DefaultOptions(16)).FastPath);

    private static (Tensor PerSample, Tensor Codebook, Tensor Grad) Run(Tensor x, Func<Tensor, (Tensor PerSample, Tensor Codebook)> path)
    {
        x.grad?.zero_();
        var (perSample, codebook) = path(x);
        // Arbitrary weights, so that an error in either term shows in the gradient.
        (perSample * 0.7 - codebook * 1.3).backward();
        return (perSample.detach(), codebook.detach(), x.grad!.clone());
    }
}
