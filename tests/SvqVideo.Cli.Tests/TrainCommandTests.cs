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
}
