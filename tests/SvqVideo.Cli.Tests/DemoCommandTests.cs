using System.Text.Json;
using SvqVideo.Testing;
using SvqVideo.Torch;

namespace SvqVideo.Cli.Tests;

/// <summary>
/// <c>demo</c> through the built CLI: the bundled pretrained checkpoint scored on held-out sequences (it must beat both
/// baselines, the point of shipping it), another checkpoint through <c>--checkpoint</c>, the options that exclude each
/// other, and <c>export --to x.safetensors</c>, which makes weights-only checkpoints like the bundled one.
/// </summary>
public sealed class DemoCommandTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-cli-demo-");

    public void Dispose() => _dir.Dispose();

    private static string Bundled => Path.Combine(Path.GetDirectoryName(CliRunner.CliDll)!, "models", "demo-simvp-svq-mmnist.safetensors");

    [Fact]
    public void TheBundledModelBeatsCopyLastFrameAndTheBlankFrameOnHeldOutSequencesAndWritesTheReport()
    {
        var outDir = _dir.Combine("demo");
        var r = CliRunner.Cli("demo", "--test-clips", "32", "--out", outDir, "--json", "--threads", "2");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var baselines = doc.RootElement.GetProperty("baselines");
        double model = baselines.GetProperty("mse").GetDouble();
        double copy = baselines.GetProperty("copy_last_frame_mse").GetDouble();
        double blank = baselines.GetProperty("blank_frame_mse").GetDouble();
        Assert.True(baselines.GetProperty("beats_copy_last_frame").GetBoolean() && baselines.GetProperty("beats_blank_frame").GetBoolean(), $"model {model}, copy-last {copy}, blank {blank}");
        Assert.True(model < blank && model < copy, $"model {model}, copy-last {copy}, blank {blank}");
        Assert.DoesNotContain("warning", r.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDir, "index.html")));
        Assert.True(File.Exists(Path.Combine(outDir, "example0.png")));

        // The bundled file holds the model only, no optimizer state, and records how it was trained.
        var (manifest, tensors) = Checkpoint.Load(Bundled);
        try
        {
            Assert.DoesNotContain(tensors.Keys, k => Checkpoint.TrainingStatePrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal)));
            Assert.NotNull(manifest.Training);
            Assert.Equal("svq", manifest.Quantizer?.Kind);
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    [Fact]
    public void ExportToSafetensorsDropsTheTrainingStateAndTheDemoScoresItThroughCheckpoint()
    {
        var run = _dir.Combine("run");
        var train = CliRunner.Cli("train", "--preset", "demo", "--epochs", "1", "--train-clips", "16", "--max-steps-per-epoch", "1", "--out", run, "--json", "--threads", "2");
        Assert.True(train.ExitCode == 0, train.Stderr);
        string last = Path.Combine(run, "last.safetensors");
        string slim = _dir.Combine("slim.safetensors");

        var export = CliRunner.Cli("export", "--checkpoint", last, "--to", slim, "--json");
        Assert.True(export.ExitCode == 0, export.Stderr);
        Assert.True(new FileInfo(slim).Length < new FileInfo(last).Length / 2, $"{new FileInfo(slim).Length} bytes against {new FileInfo(last).Length}");
        var (_, full) = Checkpoint.Load(last);
        var (_, weights) = Checkpoint.Load(slim);
        try
        {
            var modelKeys = full.Keys.Where(k => !Checkpoint.TrainingStatePrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))).Order().ToList();
            Assert.Equal(modelKeys, weights.Keys.Order().ToList());
            Assert.All(modelKeys, k => Assert.True(full[k].eq(weights[k]).all().item<bool>(), k));
        }
        finally
        {
            foreach (var t in full.Values.Concat(weights.Values))
            {
                t.Dispose();
            }
        }

        // Scoring the full and the weights-only file gives the same figures.
        var a = CliRunner.Cli("demo", "--checkpoint", last, "--test-clips", "8", "--out", _dir.Combine("a"), "--json", "--threads", "2");
        var b = CliRunner.Cli("demo", "--checkpoint", slim, "--test-clips", "8", "--out", _dir.Combine("b"), "--json", "--threads", "2");
        Assert.True(a.ExitCode == 0, a.Stderr);
        Assert.True(b.ExitCode == 0, b.Stderr);
        double Mse(string json)
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.GetProperty("baselines").GetProperty("mse").GetDouble();
        }

        Assert.Equal(Mse(a.Stdout), Mse(b.Stdout));
    }

    public static TheoryData<string[], int> BadArguments => new()
    {
        { ["--train", "1m", "--checkpoint", "x.safetensors"], 2 },
        { ["--quantizer", "vq"], 2 },
        { ["--test-clips", "0"], 2 },
        { ["--checkpoint", "missing.safetensors"], 3 },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void BadArgumentsAreOneLineAndAnExitCodeWithNothingWritten(string[] args, int exit)
    {
        var outDir = _dir.Combine("out");
        var r = CliRunner.Cli(["demo", .. args, "--out", outDir]);
        Assert.Equal(exit, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.StartsWith("svqvideo: error:", r.Stderr.Trim(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
    }
}
