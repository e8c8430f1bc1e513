using SvqVideo.Testing;
using static TorchSharp.torch;

namespace SvqVideo.Metrics.Tests;

/// <summary>OpenSTL <c>metric()</c> golden fixtures (kind <c>metrics</c>), on every available device.</summary>
public sealed class MetricsFixtureTests
{
    public static TheoryData<string, string> Cases() => Fixtures.OnDevices(k => k == "metrics");

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void FrameMetricsReproduceEveryOpenStlOutput(string file, string device)
    {
        var dev = TestDevices.Require(device);
        using var fx = Fixtures.Load(file);
        using var scope = NewDisposeScope();
        var pred = fx["pred"].to(dev);
        var target = fx["true"].to(dev);
        var mse = FrameMetrics.SumSquaredError(pred, target).mean();
        var ssim = FrameMetrics.Ssim(pred, target, SsimVariant.OpenStl);
        var psnr = FrameMetrics.Psnr(pred, target);
        var computed = new Dictionary<string, Tensor>
        {
            ["mse"] = mse,
            ["mae"] = FrameMetrics.SumAbsoluteError(pred, target).mean(),
            ["rmse"] = mse.sqrt(),
            ["ssim"] = ssim.mean(),
            ["psnr"] = psnr.mean(),
            ["ssim_per_frame"] = ssim,
            ["psnr_per_frame"] = psnr,
        };

        fx.AssertOutputs(computed, $"on {device}");
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void MetricSetReportMatchesTheFixtureWhenFedOneClipAtATime(string file, string device)
    {
        var dev = TestDevices.Require(device);
        using var fx = Fixtures.Load(file);
        using var scope = NewDisposeScope();
        var pred = fx["pred"].to(dev);
        var target = fx["true"].to(dev);
        var set = new MetricSet(new MetricSetOptions { Metrics = [MetricNames.Mse, MetricNames.Mae, MetricNames.Rmse, MetricNames.Ssim, MetricNames.Psnr] });
        for (long b = 0; b < pred.shape[0]; b++)
        {
            set.Update(pred.narrow(0, b, 1), target.narrow(0, b, 1));
        }

        var report = set.Report();
        Assert.Equal(pred.shape[0] * pred.shape[1], report.Frames);
        Assert.Empty(report.Unavailable);
        foreach (var name in new[] { "mse", "mae", "rmse", "ssim", "psnr" })
        {
            TensorAssert.Close(fx[name], tensor(report[name].Mean), fx.Atol, fx.Rtol, $"{file}:{name} (MetricSet)");
        }

        // The per-frame-index curve is the fixture's per-frame values averaged over the batch axis.
        TensorAssert.Close(fx["psnr_per_frame"].to(ScalarType.Float64).mean([0]), tensor(report["psnr"].PerFrameIndex.ToArray()), fx.Atol, fx.Rtol, $"{file}:psnr curve");
        TensorAssert.Close(fx["ssim_per_frame"].to(ScalarType.Float64).mean([0]), tensor(report["ssim"].PerFrameIndex.ToArray()), fx.Atol, fx.Rtol, $"{file}:ssim curve");
    }
}
