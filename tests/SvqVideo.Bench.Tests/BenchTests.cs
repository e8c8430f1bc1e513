using System.Text.Json.Nodes;
using SvqVideo.Testing;
using static TorchSharp.torch;

namespace SvqVideo.Bench.Tests;

/// <summary>
/// The benchmark program counts what it claims to count and runs end to end. Nothing here asserts a speed:
/// speed is what the program reports, not what a test can promise on a shared machine.
/// </summary>
public sealed class BenchTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-bench-test-");

    public void Dispose() => _dir.Dispose();

    /// <summary>OpenSTL publishes SimVP+gSTA on Moving MNIST as 46.8 M parameters and 16.5 G FLOPs (one multiply-add = one FLOP).</summary>
    [Fact]
    public void MmnistGstaMatchesOpenStlsPublishedParametersAndFlops()
    {
        var spec = new ModelSpec("mmnist", "gSTA", "none");
        manual_seed(0);
        using var model = spec.Build();
        long parameters = model.Module.parameters().Sum(p => p.numel());
        double flops = FlopCounter.PerSequence(model, spec);
        Assert.InRange(parameters / 1e6, 46.75, 46.85);
        Assert.InRange(flops / 1e9, 16.4, 16.6);
    }

    [Fact]
    public void SvqAddsItsCodebookProductsOnlyOnTheExplicitPath()
    {
        double Flops(string quantizer)
        {
            var spec = new ModelSpec("small", "gSTA", quantizer);
            manual_seed(0);
            using var model = spec.Build();
            return FlopCounter.PerSequence(model, spec);
        }

        double none = Flops("none"), fast = Flops("svq-fast"), explicitPath = Flops("svq-explicit");
        // 10 frames × 16×16 tokens; explicit: C'→h, h→N and N→C' per token; fast: C'→h and h→C' per token plus W₂ᵀM once.
        const double tokens = 10 * 16 * 16, c = 16, h = 128, n = 1024;
        Assert.Equal(tokens * ((c * h) + (h * n) + (n * c)), explicitPath - none, 0.01 * explicitPath);
        Assert.True(fast - none < 0.05 * none, $"fast path adds {fast - none:E3} FLOPs to {none:E3}");
        Assert.True(fast > none);
    }

    [Fact]
    public void QuickRunWritesAReportWithTheMachineLimitAndTargets()
    {
        string json = _dir.Combine("bench.json");
        var (code, stdout, stderr) = Run(["--quick", "--reps", "1", "--only", "machine,forecast", "--json", json]);
        Assert.True(code == 0, stderr);
        Assert.Contains("fp32 GEMM 2048³", stdout, StringComparison.Ordinal);
        var report = JsonNode.Parse(File.ReadAllText(json))!.AsObject();
        Assert.True((double)report["machine_limit"]!["gemm_gflops"]! > 0);
        Assert.True((double)report["forecast"]!["seconds"]! > 0);
        Assert.Contains(report["targets"]!.AsArray(), t => ((string)t!["target"]!).StartsWith("forecast", StringComparison.Ordinal));
        Assert.DoesNotContain(Directory.EnumerateFiles(_dir.Path), f => f.Contains(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void ModelAndOverheadMeasurementsReportEveryField()
    {
        var (code, stdout, stderr) = Run(["--threads", "2", "--reps", "1", "--child", "model", "small", "gSTA", "svq-fast"]);
        Assert.True(code == 0, stderr);
        var row = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!.AsObject();
        foreach (var key in new[] { "inference_seq_per_s", "training_seq_per_s", "inference_peak_rss_mib", "training_peak_rss_mib", "gemm_gflops_around_inference", "flops_per_sequence" })
        {
            Assert.True((double)row[key]! > 0, key);
        }

        (code, stdout, stderr) = Run(["--threads", "2", "--reps", "1", "--child", "overhead", "small", "gSTA"]);
        Assert.True(code == 0, stderr);
        var overhead = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!.AsObject();
        Assert.True(double.IsFinite((double)overhead["inference_overhead_percent"]!));
        Assert.True(double.IsFinite((double)overhead["training_overhead_percent"]!));
    }

    [Fact]
    public void BadOptionsGiveOneLineAndExitCode2()
    {
        var (code, _, stderr) = Run(["--only", "nonsense"]);
        Assert.Equal(2, code);
        Assert.Equal("svqvideo-bench: --only: unknown section 'nonsense' (sections: machine, models, overhead, translators, svq, forecast, streaming, onnx, fit, long-video)", stderr.Trim());
        (code, _, stderr) = Run(["--only", "fit", "--fit-kinds", "pattern,clouds"]);
        Assert.Equal(2, code);
        Assert.Equal("svqvideo-bench: --fit-kinds: unknown clip kind 'clouds' (kinds: pattern, life, walkers, colour, odd)", stderr.Trim());
    }

    private static ProcessRunner.Result Run(string[] args) =>
        ProcessRunner.RunDotnet(Path.Combine(AppContext.BaseDirectory, "SvqVideo.Bench.dll"), args, TimeSpan.FromMinutes(5));

    [Fact]
    public void TheLearningCurveOfPretrainDemoIsDrawnAsAPngAndABadFileIsRefused()
    {
        string csv = _dir.Combine("curve.csv"), png = _dir.Combine("curve.png");
        File.WriteAllLines(csv,
        [
            "segment,budget,train_cpu_seconds,train_wall_seconds,cpu_hours,wall_hours,steps,mse,mae,ssim,psnr,copy_last_mse,blank_mse",
            "0,10m,420,608,0.1167,0.169,276,146.9,357.3,0.476,14.6,288.0,166.0",
            "1,15m,1500,1500,0.5,0.42,900,120.5,300.1,0.55,15.2,288.0,166.0",
        ]);
        CurvePlot.Write(csv, png);
        var bytes = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes.Take(4).ToArray());
        Assert.False(File.Exists(png + ".tmp"));

        File.WriteAllLines(csv, ["segment,budget"]);
        Assert.Throws<InvalidDataException>(() => CurvePlot.Write(csv, _dir.Combine("other.png")));
        Assert.False(File.Exists(_dir.Combine("other.png")));
    }
}
