using System.Diagnostics;
using System.Text.Json.Nodes;
using SvqVideo.Testing;
using SvqVideo.Torch;

namespace SvqVideo.Cli.Tests;

/// <summary>
/// A <c>train</c> process killed with SIGKILL (no chance to save anything) in the middle of an epoch: <c>--resume</c>
/// continues from the step of its newest checkpoint (written every 2 s by <c>--checkpoint-every</c>) and ends with the
/// weights and <c>train.jsonl</c> losses of an uninterrupted run of the same plan, bit for bit. A run killed before its
/// first checkpoint is refused by <c>--resume</c> in one line that says to start it again.
/// </summary>
public sealed class CrashResumeTests : IDisposable
{
    // A small model on 4 -> 4 frame Moving-MNIST clips: 100 steps of 1 clip in one epoch (long enough that the first
    // checkpoint, 2 s in, comes before its end on a fast machine too), a constant learning rate and no wall-time plan, so
    // the run is the same wherever it stops.
    private static readonly string[] Plan =
    [
        "--preset", "demo", "--frames-in", "4", "--frames-out", "4", "--hid-s", "8", "--hid-t", "32", "--train-clips", "400", "--batch-size", "1",
        "--max-steps-per-epoch", "100", "--epochs", "1", "--budget", "1h", "--budget-mode", "pause", "--threads", "2",
    ];

    private readonly TempFolder _dir = new("svq-cli-crash-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ARunKilledMidEpochResumesFromItsCheckpointedStepAndEndsAsAnUninterruptedRun()
    {
        string crashed = _dir.Combine("crashed");
        string last = Path.Combine(crashed, "last.safetensors");
        var (killedAt, output) = await KillWhen(["train", .. Plan, "--checkpoint-every", "2s", "--out", crashed], () => StepInEpoch(last) > 0);
        Assert.True(killedAt, $"no checkpoint inside the epoch before the run ended or 4 minutes passed: {output}");

        var saved = Checkpoint.ReadManifest(last).Training!;
        int step = saved["step_in_epoch"]!.GetValue<int>();
        Assert.InRange(step, 1, 99);
        Assert.Equal(step, saved["global_step"]!.GetValue<long>());
        Assert.True(File.Exists(Path.Combine(crashed, "train.jsonl")), "the log is written with every checkpoint");

        var resumed = CliRunner.Cli("train", "--out", crashed, "--resume", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        var result = JsonNode.Parse(resumed.Stdout)!;
        Assert.Equal("Completed", (string?)result["stop"]);
        Assert.Equal(100, (long)result["steps"]!);
        var sessions = Log(crashed).Where(l => (string?)l["type"] == "session").ToList();
        Assert.Equal(2, sessions.Count);
        Assert.Equal((1, step), ((int)sessions[1]["start_epoch"]!, (int)sessions[1]["start_step_in_epoch"]!));
        Assert.DoesNotContain(Directory.GetFiles(crashed), f => f.Contains(".tmp", StringComparison.Ordinal));

        string whole = _dir.Combine("uninterrupted");
        var reference = CliRunner.Cli(["train", .. Plan, "--checkpoint-every", "epoch", "--out", whole, "--json"]);
        Assert.True(reference.ExitCode == 0, reference.Stderr);
        Assert.Equal(EpochLosses(whole), EpochLosses(crashed));
        var (_, expected) = Checkpoint.Load(Path.Combine(whole, "last.safetensors"));
        var (_, actual) = Checkpoint.Load(last);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, kv => Assert.True(
            kv.Value.shape.SequenceEqual(actual[kv.Key].shape) && kv.Value.eq(actual[kv.Key]).all().item<bool>(), $"{kv.Key} differs from the uninterrupted run's"));
    }

    [Fact]
    public async Task AResumeOfARunKilledBeforeItsFirstCheckpointSaysToStartItAgain()
    {
        string run = _dir.Combine("early");
        var (killed, output) = await KillWhen(["train", .. Plan, "--checkpoint-every", "epoch", "--out", run], () => File.Exists(Path.Combine(run, "plan.json")));
        Assert.True(killed, $"the run ended before it could be killed: {output}");
        Assert.False(File.Exists(Path.Combine(run, "last.safetensors")));

        var r = CliRunner.Cli("train", "--out", run, "--resume");
        Assert.Equal(3, r.ExitCode);
        string error = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("stopped before its first checkpoint; start it again without --resume", error, StringComparison.Ordinal);

        var nothing = CliRunner.Cli("train", "--out", _dir.Combine("never"), "--resume");
        Assert.Equal(3, nothing.ExitCode);
        Assert.Contains("holds no training run", Assert.Single(nothing.Stderr.Trim().Split('\n')), StringComparison.Ordinal);
    }

    [Fact]
    public void ABadIntervalIsRefusedInOneLineBeforeAnythingIsWritten()
    {
        string run = _dir.Combine("bad");
        var r = CliRunner.Cli("train", "--preset", "demo", "--checkpoint-every", "soon", "--out", run);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--checkpoint-every: 'soon' is not a checkpoint interval", Assert.Single(r.Stderr.Trim().Split('\n')), StringComparison.Ordinal);
        Assert.False(Directory.Exists(run));
    }

    /// <summary>Starts the CLI and kills it with SIGKILL as soon as <paramref name="when"/> holds; false when it ended first.</summary>
    private static async Task<(bool Killed, string Output)> KillWhen(string[] args, Func<bool> when)
    {
        using var p = CliRunner.Start(CliRunner.CliDll, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        var waited = Stopwatch.StartNew();
        bool killed = false;
        while (!p.HasExited && waited.Elapsed < TimeSpan.FromMinutes(4))
        {
            if (when())
            {
                p.Kill();
                killed = true;
                break;
            }

            await Task.Delay(50);
        }

        if (!killed && !p.HasExited)
        {
            p.Kill(entireProcessTree: true);
        }

        await p.WaitForExitAsync();
        return (killed, $"exit {p.ExitCode}; {await stderr}{await stdout}");
    }

    private static int StepInEpoch(string checkpoint)
    {
        try
        {
            return File.Exists(checkpoint) ? Checkpoint.ReadManifest(checkpoint).Training?["step_in_epoch"]?.GetValue<int>() ?? 0 : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static List<JsonObject> Log(string run) =>
        File.ReadAllLines(Path.Combine(run, "train.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    /// <summary>The epoch lines of a run's log without their timings.</summary>
    private static List<string> EpochLosses(string run) => Log(run)
        .Where(l => (string?)l["type"] == "epoch")
        .Select(l =>
        {
            l.Remove("epoch_seconds");
            l.Remove("elapsed_seconds");
            l.Remove("sequences_per_second");
            return l.ToJsonString();
        })
        .ToList();
}
