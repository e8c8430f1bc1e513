using SvqVideo.Testing;
using static TorchSharp.torch;

namespace SvqVideo.Metrics.Tests;

public sealed class LpipsMetricSetTests
{
    [Fact]
    public void MetricSetScoresLpipsPerFrameOnClippedFramesAndCanSwapRedAndBlue()
    {
        using var lpips = SeededLpips(7);
        using var scope = NewDisposeScope();
        var g = new Generator(8);
        var target = rand([2, 3, 3, 40, 36], generator: g);
        var pred = target + randn([2, 3, 3, 40, 36], generator: g) * 0.2;

        var plain = new MetricSet(new MetricSetOptions { Metrics = [MetricNames.Lpips], Lpips = lpips, LpipsFramesPerChunk = 4 });
        plain.Update(pred, target);
        var swapped = new MetricSet(new MetricSetOptions { Metrics = [MetricNames.Lpips], Lpips = lpips, LpipsSwapRedBlue = true });
        swapped.Update(pred, target);

        // Per frame: LPIPS of the [0,1]-clipped prediction and the target, mapped to [-1,1].
        var x = pred.clamp(0, 1).reshape(6, 3, 40, 36) * 2 - 1;
        var y = target.reshape(6, 3, 40, 36) * 2 - 1;
        var perFrame = lpips.forward(x, y).reshape(2, 3).to(ScalarType.Float64);
        var perFrameSwapped = lpips.forward(x.flip(1), y.flip(1)).reshape(2, 3).to(ScalarType.Float64);

        var report = plain.Report()[MetricNames.Lpips];
        TensorAssert.Close(perFrame.mean(), tensor(report.Mean), 1e-6, 1e-5, "lpips mean");
        TensorAssert.Close(perFrame.mean([0]), tensor(report.PerFrameIndex.ToArray()), 1e-6, 1e-5, "lpips curve");
        TensorAssert.Close(perFrameSwapped.mean(), tensor(swapped.Report()[MetricNames.Lpips].Mean), 1e-6, 1e-5, "lpips swapped");
        Assert.NotEqual(report.Mean, swapped.Report()[MetricNames.Lpips].Mean);
        Assert.True(report.Mean > 0);
    }

    [Fact]
    public void GrayFramesAreScoredAsReplicatedRgb()
    {
        using var lpips = SeededLpips(10);
        using var scope = NewDisposeScope();
        var g = new Generator(9);
        var a = rand([2, 1, 33, 33], generator: g) * 2 - 1;
        var b = rand([2, 1, 33, 33], generator: g) * 2 - 1;
        TensorAssert.Close(lpips.forward(a.expand(2, 3, 33, 33), b.expand(2, 3, 33, 33)), lpips.forward(a, b), 1e-7, 1e-6, "gray vs replicated");
        var e = Assert.Throws<ArgumentException>(() => lpips.forward(a.expand(2, 2, 33, 33), b.expand(2, 2, 33, 33)));
        Assert.Contains("2 channels", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// LPIPS with weights drawn like the golden fixture's (He-scaled trunk, small biases, non-negative
    /// calibration), independent of the global random state.
    /// </summary>
    private static Lpips SeededLpips(int seed)
    {
        var lpips = new Lpips();
        var g = new Generator((ulong)seed);
        using var noGrad = no_grad();
        foreach (var (name, p) in lpips.named_parameters())
        {
            long fanIn = p.dim() > 1 ? p.shape.Skip(1).Aggregate(1L, (a, b) => a * b) : 1;
            p.copy_(name.StartsWith("lin", StringComparison.Ordinal) ? rand(p.shape, generator: g) * 0.5
                : p.dim() > 1 ? randn(p.shape, generator: g) * Math.Sqrt(2.0 / fanIn)
                : randn(p.shape, generator: g) * 0.1);
        }

        return lpips;
    }
}
