using System.Text.Json;
using SvqVideo.Testing;

namespace SvqVideo.Cli.Tests;

/// <summary>End to end through the built CLI: <c>ab</c> with tiny budgets on the demo preset.</summary>
public sealed class AbCommandTests : IDisposable
{
    private static readonly string[] Tiny = ["--train-clips", "64", "--max-steps-per-epoch", "3", "--val-clips", "16", "--test-clips", "16", "--threads", "2"];
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly TempFolder _dir = new("svq-cli-ab-");

    public void Dispose() => _dir.Dispose();

    private string In(string name) => _dir.Combine(name);

    [Fact]
    public void TwoQuantizersGiveATableJsonAValidationLossPngAndAnHtmlReport()
    {
        var outDir = In("ab");
        var r = CliRunner.Cli(["ab", "--quantizers", "none,svq", "--seeds", "1", "--steps", "6", "--out", outDir, .. Tiny]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("copy last frame", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("blank frame", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("svq", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("none", r.Stdout, StringComparison.Ordinal);

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "ab.json")));
        var summary = doc.RootElement.GetProperty("summary").EnumerateArray().ToList();
        Assert.Equal(["none", "svq"], summary.Select(s => s.GetProperty("quantizer").GetString()));
        foreach (var s in summary)
        {
            Assert.Equal(1, s.GetProperty("runs").GetInt32());
            foreach (var key in new[] { "validation_loss", "mse", "mae", "ssim", "psnr", "train_seconds", "parameters" })
            {
                double mean = s.GetProperty(key).GetProperty("mean").GetDouble();
                Assert.True(double.IsFinite(mean) && mean > 0, $"{s.GetProperty("quantizer")} {key} = {mean}");
            }
        }

        var parameters = summary.Select(s => s.GetProperty("parameters").GetProperty("mean").GetDouble()).ToList();
        Assert.True(parameters[1] > parameters[0], "the SVQ model has the quantizer's parameters on top of the plain model's");
        foreach (var run in doc.RootElement.GetProperty("runs").EnumerateArray())
        {
            Assert.True(File.Exists(run.GetProperty("checkpoint").GetString()));
            Assert.NotEmpty(run.GetProperty("validation_curve").EnumerateArray());
        }

        var png = File.ReadAllBytes(Path.Combine(outDir, "validation-loss.png"));
        Assert.Equal(PngSignature, png[..8]);
        var html = File.ReadAllText(Path.Combine(outDir, "index.html"));
        Assert.Contains("validation-loss.png", html, StringComparison.Ordinal);
        Assert.Contains("example-svq.png", html, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDir, "example-svq.png")));
    }

    [Fact]
    public void JsonOnStdoutHasMeanAndStdOverSeedsAndNoisyScoresWithNoise()
    {
        var outDir = In("ab");
        var r = CliRunner.Cli(["ab", "--quantizers", "none", "--seeds", "1,2", "--steps", "3", "--noise", "0.1", "--out", outDir, "--json", .. Tiny]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal(0.1, root.GetProperty("noise").GetDouble());
        var summary = Assert.Single(root.GetProperty("summary").EnumerateArray());
        Assert.Equal(2, summary.GetProperty("runs").GetInt32());
        foreach (var key in new[] { "mse", "noisy_mse" })
        {
            double mean = summary.GetProperty(key).GetProperty("mean").GetDouble();
            double std = summary.GetProperty(key).GetProperty("std").GetDouble();
            Assert.True(double.IsFinite(mean) && mean > 0 && double.IsFinite(std) && std >= 0, $"{key}: {mean} ± {std}");
        }

        var runs = root.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal([1, 2], runs.Select(x => x.GetProperty("seed").GetInt32()));
        Assert.All(runs, x => Assert.True(x.GetProperty("noisy_test").GetProperty("mse").GetDouble() > 0));
        Assert.True(root.GetProperty("copy_last_frame").GetProperty("noisy_test").GetProperty("mse").GetDouble() > 0);
    }

    [Fact]
    public void EveryArmGetsTheSameStepsAndEachArmIsComparedWithNoneSeedBySeed()
    {
        var outDir = In("fair");
        var r = CliRunner.Cli(["ab", "--quantizers", "none,svq", "--seeds", "1,2", "--steps", "5", "--out", outDir, "--json", .. Tiny]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal("none", root.GetProperty("reference").GetString());
        Assert.All(root.GetProperty("runs").EnumerateArray(), run => Assert.Equal(5, run.GetProperty("steps").GetInt64()));

        var summary = root.GetProperty("summary").EnumerateArray().ToDictionary(s => s.GetProperty("quantizer").GetString()!);
        Assert.False(summary["none"].TryGetProperty("minus_none", out _));
        var mse = summary["svq"].GetProperty("minus_none").GetProperty("mse");
        Assert.Equal(2, mse.GetProperty("pairs").GetInt32());

        // The paired mean is the mean of the per-seed differences, recomputed here from the runs.
        var runs = root.GetProperty("runs").EnumerateArray().ToList();
        double Mse(string q, int seed) => runs.Single(x => x.GetProperty("quantizer").GetString() == q && x.GetProperty("seed").GetInt32() == seed).GetProperty("test").GetProperty("mse").GetDouble();
        double expected = ((Mse("svq", 1) - Mse("none", 1)) + (Mse("svq", 2) - Mse("none", 2))) / 2;
        Assert.Equal(expected, mse.GetProperty("mean").GetDouble(), 9);
        Assert.True(mse.GetProperty("ci95_low").GetDouble() <= expected && expected <= mse.GetProperty("ci95_high").GetDouble());
        Assert.True(root.GetProperty("blank_frame").GetProperty("test").GetProperty("mse").GetDouble() > 0);

        // How long a run must be: the paired validation-loss difference at every validated step count, recomputed here
        // from the runs' validation curves.
        double ValLoss(string q, int seed, long steps) => runs.Single(x => x.GetProperty("quantizer").GetString() == q && x.GetProperty("seed").GetInt32() == seed)
            .GetProperty("validation_curve").EnumerateArray().Single(p => p.GetProperty("steps").GetInt64() == steps).GetProperty("loss").GetDouble();
        var separation = summary["svq"].GetProperty("validation_separation");
        var bySteps = separation.GetProperty("by_steps").EnumerateArray().ToList();
        Assert.NotEmpty(bySteps);
        Assert.Equal(5, bySteps[^1].GetProperty("steps").GetInt64());
        foreach (var point in bySteps)
        {
            long steps = point.GetProperty("steps").GetInt64();
            double diff = ((ValLoss("svq", 1, steps) - ValLoss("none", 1, steps)) + (ValLoss("svq", 2, steps) - ValLoss("none", 2, steps))) / 2;
            Assert.Equal(diff, point.GetProperty("mean").GetDouble(), 9);
            Assert.Equal(2, point.GetProperty("pairs").GetInt32());
        }

        var from = separation.GetProperty("separated_from_step");
        Assert.Equal(bySteps[^1].GetProperty("separated").GetBoolean(), from.ValueKind == JsonValueKind.Number);

        // Each arm's mean MSE against both baselines, with a warning (JSON and stderr) when it loses to either, and one
        // more when no arm beats a blank frame.
        double blank = root.GetProperty("blank_frame").GetProperty("test").GetProperty("mse").GetDouble();
        double copyLast = root.GetProperty("copy_last_frame").GetProperty("test").GetProperty("mse").GetDouble();
        bool anyBeatsBlank = false;
        foreach (string q in new[] { "none", "svq" })
        {
            var verdict = summary[q].GetProperty("baselines");
            double mean = (Mse(q, 1) + Mse(q, 2)) / 2;
            Assert.Equal(mean, verdict.GetProperty("mse").GetDouble(), 9);
            Assert.Equal(blank, verdict.GetProperty("blank_frame_mse").GetDouble(), 9);
            Assert.Equal(mean < blank, verdict.GetProperty("beats_blank_frame").GetBoolean());
            Assert.Equal(mean < copyLast, verdict.GetProperty("beats_copy_last_frame").GetBoolean());
            bool warned = verdict.GetProperty("warning").ValueKind == JsonValueKind.String;
            Assert.Equal(!(mean < blank && mean < copyLast), warned);
            Assert.Equal(warned, r.Stderr.Contains($"svqvideo: warning: ab: {q}: ", StringComparison.Ordinal));
            anyBeatsBlank |= mean < blank;
        }

        Assert.Equal(!anyBeatsBlank, root.GetProperty("warning").ValueKind == JsonValueKind.String);
        Assert.Equal(!anyBeatsBlank, r.Stderr.Contains("svqvideo: warning: ab: no arm beats a blank frame yet", StringComparison.Ordinal));
    }

    [Fact]
    public void WallTimeIsAGuardThatStopsAnArmAndSaysSo()
    {
        var outDir = In("guard");
        var r = CliRunner.Cli(["ab", "--quantizers", "none", "--seeds", "1", "--steps", "100000", "--budget", "3s", "--out", outDir, "--json", .. Tiny]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var summary = Assert.Single(doc.RootElement.GetProperty("summary").EnumerateArray());
        Assert.Equal(1, summary.GetProperty("stopped_by_wall_time_guard").GetInt32());
        Assert.Contains("100000 steps (wall-time guard 3s)", doc.RootElement.GetProperty("budget").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void StepsAndEpochsTogetherAreRejected()
    {
        var r = CliRunner.Cli(["ab", "--quantizers", "none", "--steps", "5", "--epochs", "2", "--out", In("both")]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--steps or --epochs", r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(In("both")));
    }

    [Fact]
    public void UnknownQuantizerFailsBeforeAnyTrainingWithExit4AndOneLine()
    {
        var outDir = In("ab");
        var r = CliRunner.Cli(["ab", "--quantizers", "none,nosuch", "--out", outDir]);
        Assert.Equal(4, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("nosuch", r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
    }
}
