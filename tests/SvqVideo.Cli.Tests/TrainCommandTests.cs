using SvqVideo.Testing;
using SvqVideo.Torch;

namespace SvqVideo.Cli.Tests;

public sealed class TrainCommandTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-cli-train-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ADivergingRunStopsWithOneLineNamingTheStepAndExitCode7AndKeepsFiniteCheckpoints()
    {
        // A learning rate of 1e30 sends the weights to ~1e30 in the first step, so the second step's loss is not finite.
        string run = _dir.Combine("run");
        var r = CliRunner.Cli("train", "--preset", "demo", "--lr", "1e30", "--schedule", "constant", "--train-clips", "32", "--batch-size", "4",
            "--max-steps-per-epoch", "4", "--epochs", "2", "--out", run);
        Assert.Equal(7, r.ExitCode);
        var errors = r.Stderr.Split('\n').Where(l => l.StartsWith("svqvideo:", StringComparison.Ordinal)).ToList();
        Assert.Single(errors);
        Assert.Matches(@"training stopped: the (loss|gradient norm) is (NaN|[-+]?[\d.eE+-]+|∞|-?Infinity) at epoch 1, step 2 ", errors[0]);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);

        var (_, tensors) = Checkpoint.Load(Path.Combine(run, "last.safetensors"));
        Assert.All(tensors.Where(kv => kv.Value.is_floating_point()), kv => Assert.True(Checkpoint.AllFinite(kv.Value), kv.Key));
        Assert.False(File.Exists(Path.Combine(run, "best.safetensors")));
    }

    [Fact]
    public void AResumedRunTakesTheNewBudgetAndRefusesOptionsItsPlanFixes()
    {
        string run = _dir.Combine("resumed");
        var first = CliRunner.Cli("train", "--preset", "demo", "--train-clips", "16", "--batch-size", "4", "--max-steps-per-epoch", "2", "--epochs", "1000",
            "--budget", "5s", "--budget-mode", "pause", "--out", run, "--json");
        Assert.True(first.ExitCode == 0, first.Stderr);

        // A plan option the saved run fixes is refused with one line naming it, and nothing in the run changes.
        var plan = File.ReadAllText(Path.Combine(run, "plan.json"));
        var refused = CliRunner.Cli("train", "--out", run, "--resume", "--hid-s", "32", "--epochs", "3");
        Assert.Equal(2, refused.ExitCode);
        Assert.Single(refused.Stderr.Trim().Split('\n'));
        Assert.Contains("--hid-s, --epochs", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(plan, File.ReadAllText(Path.Combine(run, "plan.json")));

        // The steering options apply: the paused run goes on under a new budget, which plan.json records.
        var resumed = CliRunner.Cli("train", "--out", run, "--resume", "--budget", "12s", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        var training = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(run, "plan.json")))!["training"]!;
        Assert.Equal("12s", (string?)training["max_wall_time"]);
        Assert.Equal("pause", (string?)training["wall_time_mode"]);
        using var before = System.Text.Json.JsonDocument.Parse(first.Stdout);
        using var after = System.Text.Json.JsonDocument.Parse(resumed.Stdout);
        Assert.Equal("TimeBudget", after.RootElement.GetProperty("stop").GetString());
        double seconds = after.RootElement.GetProperty("seconds").GetDouble();
        Assert.True(seconds >= 12, $"the resumed run stopped after {seconds:F1} s, before its new 12 s budget");
        Assert.True(after.RootElement.GetProperty("steps").GetInt64() > before.RootElement.GetProperty("steps").GetInt64());
    }

    [Fact]
    public void InitFromStartsANewRunFromACheckpointsWeightsAndRefusesAModelItDoesNotFit()
    {
        string source = _dir.Combine("source");
        var first = CliRunner.Cli("train", "--preset", "demo", "--train-clips", "16", "--batch-size", "4", "--max-steps-per-epoch", "2", "--epochs", "1",
            "--out", source);
        Assert.True(first.ExitCode == 0, first.Stderr);
        string checkpoint = Path.Combine(source, "last.safetensors");

        // With a learning rate of 1e-30 (steps far below float resolution) the fine-tuned run's parameters stay the
        // checkpoint's, which a fresh init (another seed, too) would not give.
        string tuned = _dir.Combine("tuned");
        var fine = CliRunner.Cli("train", "--preset", "demo", "--init-from", checkpoint, "--lr", "1e-30", "--schedule", "constant", "--train-clips", "16",
            "--batch-size", "4", "--max-steps-per-epoch", "2", "--epochs", "1", "--seed", "99", "--out", tuned);
        Assert.True(fine.ExitCode == 0, fine.Stderr);
        Assert.Contains("starting from the weights of", fine.Stdout + fine.Stderr, StringComparison.Ordinal);
        var (_, expected) = Checkpoint.Load(checkpoint);
        var (_, actual) = Checkpoint.Load(Path.Combine(tuned, "last.safetensors"));
        var parameters = expected.Keys.Where(k => !Checkpoint.TrainingStatePrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))
            && !k.Contains("running_", StringComparison.Ordinal) && !k.Contains("num_batches_tracked", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(parameters);
        Assert.All(parameters, k => TensorAssert.Close(expected[k], actual[k], 1e-20, 0, k));

        // Another model is refused in one line naming the checkpoint's model; --init-from with --resume is a usage error.
        var misfit = CliRunner.Cli("train", "--preset", "demo", "--hid-s", "8", "--init-from", checkpoint, "--out", _dir.Combine("misfit"));
        Assert.Equal(3, misfit.ExitCode);
        Assert.Single(misfit.Stderr.Trim().Split('\n'));
        Assert.Contains("do not fit this run's model", misfit.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", misfit.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.Combine("misfit")), "a refused --init-from wrote into its run folder");
        var both = CliRunner.Cli("train", "--out", source, "--resume", "--init-from", checkpoint);
        Assert.Equal(2, both.ExitCode);
        var missing = CliRunner.Cli("train", "--preset", "demo", "--init-from", _dir.Combine("nothing.safetensors"), "--out", _dir.Combine("missing"));
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("no such checkpoint", missing.Stderr, StringComparison.Ordinal);
    }
}
