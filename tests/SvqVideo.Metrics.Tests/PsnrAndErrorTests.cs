using SvqVideo.Testing;
using static TorchSharp.torch;

namespace SvqVideo.Metrics.Tests;

public sealed class PsnrAndErrorTests
{
    public static TheoryData<string> Devices => TestDevices.Names;

    [SkippableTheory]
    [MemberData(nameof(Devices))]
    public void IdenticalFramesGiveInfinitePsnrAndTheReportKeepsOpenStlsInfiniteMean(string device)
    {
        var dev = TestDevices.Require(device);
        using var scope = NewDisposeScope();
        var target = rand([2, 3, 1, 16, 16], generator: new Generator(3)).to(dev);
        // Frame (0, 1) is predicted exactly; the others are not.
        var pred = (target + randn([2, 3, 1, 16, 16], generator: new Generator(4)).to(dev) * 0.05).clamp(0, 1);
        pred[0, 1] = target[0, 1];

        var psnr = FrameMetrics.Psnr(pred, target).cpu();
        Assert.True(double.IsPositiveInfinity(psnr[0, 1].item<double>()));
        Assert.Equal(5, psnr.isfinite().sum().item<long>());

        var set = new MetricSet(new MetricSetOptions { Metrics = [MetricNames.Psnr] });
        set.Update(pred, target);
        var summary = set.Report()[MetricNames.Psnr];
        var finite = psnr.masked_select(psnr.isfinite());
        Assert.True(double.IsPositiveInfinity(summary.Mean));
        Assert.Equal(1, summary.InfiniteFrames);
        Assert.Equal(6, summary.Frames);
        Assert.Equal(finite.mean().item<double>(), summary.FiniteMean, 12);
        Assert.True(double.IsPositiveInfinity(summary.PerFrameIndex[1]));
        Assert.Equal(psnr[.., 0].mean().item<double>(), summary.PerFrameIndex[0], 12);
    }

    [Fact]
    public void ReportJsonWritesInfinityAsAStringAndRoundTrips()
    {
        using var scope = NewDisposeScope();
        var clip = rand([1, 2, 1, 16, 16], generator: new Generator(9));
        var set = new MetricSet();
        set.Update(clip, clip);
        var report = set.Report();
        string json = report.ToJson();
        Assert.Contains("\"mean\": \"Infinity\"", json, StringComparison.Ordinal);
        Assert.Contains("\"infinite_frames\": 2", json, StringComparison.Ordinal);
        Assert.Contains("\"per_frame_index\"", json, StringComparison.Ordinal);

        var back = MetricReport.FromJson(json);
        Assert.Equal(report.Frames, back.Frames);
        Assert.Equal(report.Metrics.Keys, back.Metrics.Keys);
        Assert.True(double.IsPositiveInfinity(back[MetricNames.Psnr].Mean));
        Assert.True(double.IsNaN(back[MetricNames.Psnr].FiniteMean));
        Assert.Equal(0, back[MetricNames.Mse].Mean);
        Assert.Equal(1, back[MetricNames.Ssim].Mean, 12);
    }

    [Fact]
    public void OpenStlSumsArePerPixelMeansTimesThePixelCount()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(12);
        var target = rand([2, 4, 3, 8, 10], generator: g);
        var pred = target + randn([2, 4, 3, 8, 10], generator: g) * 0.2;
        const long pixels = 3 * 8 * 10;
        TensorAssert.Close(FrameMetrics.MeanSquaredError(pred, target) * pixels, FrameMetrics.SumSquaredError(pred, target), 1e-9, 1e-12, "mse");
        TensorAssert.Close(FrameMetrics.MeanAbsoluteError(pred, target) * pixels, FrameMetrics.SumAbsoluteError(pred, target), 1e-9, 1e-12, "mae");
        // The sums use the unclipped prediction: clipping changes them when values leave [0, 1].
        Assert.True(pred.gt(1).any().item<bool>());
        Assert.False(FrameMetrics.SumSquaredError(pred, target).eq(FrameMetrics.SumSquaredError(pred.clamp(0, 1), target)).all().item<bool>());
    }

    [Fact]
    public void MetricSetAveragesOverEveryFrameAcrossBatchesOfDifferentLengths()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(21);
        var t1 = rand([3, 4, 1, 16, 16], generator: g);
        var p1 = (t1 + randn([3, 4, 1, 16, 16], generator: g) * 0.1).clamp(0, 1);
        var t2 = rand([2, 2, 1, 16, 16], generator: g);
        var p2 = (t2 + randn([2, 2, 1, 16, 16], generator: g) * 0.3).clamp(0, 1);
        var set = new MetricSet();
        set.Update(p1, t1);
        set.Update(p2, t2);
        var report = set.Report();

        Assert.Equal(16, report.Frames);
        Assert.Equal(5, report.Clips);
        var m1 = FrameMetrics.SumSquaredError(p1, t1);
        var m2 = FrameMetrics.SumSquaredError(p2, t2);
        double mean = (m1.sum().item<double>() + m2.sum().item<double>()) / 16;
        Assert.Equal(mean, report[MetricNames.Mse].Mean, 9);
        Assert.Equal(Math.Sqrt(mean), report[MetricNames.Rmse].Mean, 9);
        var curve = report[MetricNames.Mse].PerFrameIndex;
        Assert.Equal(4, curve.Count);
        Assert.Equal((m1[.., 0].sum().item<double>() + m2[.., 0].sum().item<double>()) / 5, curve[0], 9);
        Assert.Equal(m1[.., 3].mean().item<double>(), curve[3], 9);
        Assert.Equal(Math.Sqrt(curve[3]), report[MetricNames.Rmse].PerFrameIndex[3], 12);
        Assert.Equal(MetricNames.Default, report.Metrics.Keys);
    }

    [Fact]
    public void MetricsThatDoNotFitTheFramesAreListedAsUnavailableNotGuessed()
    {
        using var scope = NewDisposeScope();
        var clip = rand([1, 2, 2, 8, 8]);
        var set = new MetricSet();
        set.Update(clip, clip * 0.9);
        var report = set.Report();
        Assert.Contains("11×11", report.Unavailable[MetricNames.SsimWang], StringComparison.Ordinal);
        Assert.False(report.Metrics.ContainsKey(MetricNames.SsimWang));
        Assert.True(report.Metrics.ContainsKey(MetricNames.Ssim));
        Assert.Throws<KeyNotFoundException>(() => report[MetricNames.SsimWang]);
    }

    [Fact]
    public void BadInputsAreRejectedWithOneLineMessages()
    {
        using var scope = NewDisposeScope();
        var a = rand([1, 2, 1, 16, 16]);
        var e = Assert.Throws<ArgumentException>(() => FrameMetrics.Psnr(a, rand([1, 2, 1, 16, 15])));
        Assert.Contains("same shape", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => FrameMetrics.Psnr(a[0], a[0]));
        Assert.Contains("(B, T, C, H, W)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new MetricSet(new MetricSetOptions { Metrics = ["psnr", "fvd"] }));
        Assert.Contains("unknown metric 'fvd'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
