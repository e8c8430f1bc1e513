using System.Text.Json;
using SvqVideo.Testing;

namespace SvqVideo.Cli.Tests;

/// <summary>End to end through the built CLI: <c>eval</c> on a checkpoint from a tiny <c>train</c> run, and bad checkpoints.</summary>
public sealed class EvalCommandTests : IClassFixture<EvalCommandTests.TrainedRun>, IDisposable
{
    private readonly TrainedRun _run;
    private readonly TempFolder _dir = new("svq-cli-eval-");

    public EvalCommandTests(TrainedRun run)
    {
        _run = run;
    }

    public void Dispose() => _dir.Dispose();

    private string In(string name) => _dir.Combine(name);

    [Fact]
    public void EvalOfATrainedCheckpointPrintsEveryMetricAsJsonAndWritesTheReport()
    {
        var outDir = In("eval");
        var r = CliRunner.Cli("eval", "--checkpoint", _run.BestCheckpoint, "--out", outDir, "--max-clips", "8", "--json", "--threads", "2");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal(8, root.GetProperty("clips").GetInt32());
        foreach (var side in new[] { "model", "copy_last_frame" })
        {
            var metrics = root.GetProperty(side).GetProperty("metrics");
            foreach (var name in new[] { "mse", "mae", "pixel_mse", "pixel_mae", "ssim", "ssim_wang", "psnr" })
            {
                double mean = metrics.GetProperty(name).GetProperty("mean").GetDouble();
                Assert.True(double.IsFinite(mean), $"{side} {name} = {mean}");
            }

            Assert.Equal(80, root.GetProperty(side).GetProperty("frames").GetInt64());
        }

        Assert.True(root.GetProperty("model").GetProperty("unavailable").TryGetProperty("lpips", out _));
        Assert.True(root.GetProperty("quantizer").TryGetProperty("perplexity_theta2", out var perplexity));
        Assert.True(perplexity.GetDouble() >= 1);
        Assert.True(File.Exists(Path.Combine(outDir, "index.html")));
        Assert.True(File.Exists(Path.Combine(outDir, "metrics.json")));
        Assert.True(File.Exists(Path.Combine(outDir, "example0.png")));
    }

    public static TheoryData<string> BadCheckpoints => ["truncated", "text", "missing"];

    [Theory]
    [MemberData(nameof(BadCheckpoints))]
    public void BadCheckpointIsOneLineExit3AndNoOutput(string kind)
    {
        string checkpoint = In($"{kind}.safetensors");
        switch (kind)
        {
            case "truncated":
                var bytes = File.ReadAllBytes(_run.BestCheckpoint);
                File.WriteAllBytes(checkpoint, bytes[..(bytes.Length / 2)]);
                break;
            case "text":
                File.WriteAllText(checkpoint, "this is a text file, not a checkpoint");
                break;
        }

        var outDir = In("eval");
        var r = CliRunner.Cli("eval", "--checkpoint", checkpoint, "--out", outDir, "--json");
        Assert.Equal(3, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains($"{kind}.safetensors", r.Stderr, StringComparison.Ordinal);
        Assert.Equal("", r.Stdout);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void DatasetWithAnotherContextLengthThanTheModelIsOneLineExit3()
    {
        var outDir = In("eval");
        var r = CliRunner.Cli("eval", "--checkpoint", _run.BestCheckpoint, "--out", outDir, "--frames-in", "5");
        Assert.Equal(3, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("expects 10 context frames", r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
    }

    /// <summary>One tiny training run on the demo preset, shared by the tests of this class.</summary>
    public sealed class TrainedRun : IDisposable
    {
        private readonly TempFolder _dir = new("svq-cli-eval-train-");

        public TrainedRun()
        {
            var r = CliRunner.Cli("train", "--preset", "demo", "--budget", "10s", "--train-clips", "64", "--max-steps-per-epoch", "3", "--out", _dir.Path, "--json", "--threads", "2");
            if (r.ExitCode != 0)
            {
                throw new InvalidOperationException($"the tiny training run failed (exit {r.ExitCode}): {r.Stderr}");
            }

            using var doc = JsonDocument.Parse(r.Stdout);
            BestCheckpoint = doc.RootElement.GetProperty("best_checkpoint").GetString()!;
        }

        public string BestCheckpoint { get; }

        public void Dispose() => _dir.Dispose();
    }
}
