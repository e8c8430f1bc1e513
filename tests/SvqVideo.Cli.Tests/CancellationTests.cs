using System.Diagnostics;
using SvqVideo.Testing;
using SvqVideo.Torch;

namespace SvqVideo.Cli.Tests;

/// <summary>Ctrl+C (SIGINT) on a running <c>train</c>: exit code 130, a one-line message, no temp files, and the checkpoints on disk intact.</summary>
public sealed class CancellationTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-cli-cancel-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task InterruptedTrainingExitsWith130AndLeavesOnlyCompleteFiles()
    {
        // A process started in the background by a shell without job control (`cmd &` in a script) ignores SIGINT, and so
        // does every process it starts, the CLI under test included: kill -INT cannot reach it, and this test would wait
        // out its hang guard. Say so at once instead.
        Assert.False(SigIntIgnored(), "SIGINT is ignored in this test process (it was started in the background by a shell without job control, which makes every child ignore Ctrl+C): run the tests in the foreground, or start the background job with `set -m` first");
        string run = _dir.Combine("run");
        using var p = CliRunner.Start(CliRunner.CliDll, ["train", "--preset", "demo", "--budget", "10m", "--train-clips", "64", "--max-steps-per-epoch", "3", "--out", run, "--threads", "2"]);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();

        // Interrupt once the first epoch's checkpoint is on disk, i.e. in the middle of a run that would last 10 minutes.
        string last = Path.Combine(run, "last.safetensors");
        var waited = Stopwatch.StartNew();
        while (!File.Exists(last) && !p.HasExited && waited.Elapsed < TimeSpan.FromMinutes(4))
        {
            await Task.Delay(200);
        }

        if (p.HasExited)
        {
            Assert.Fail($"train ended before it could be interrupted (exit {p.ExitCode}): {await stderr}");
        }

        Assert.True(File.Exists(last), "no checkpoint after 4 minutes");
        await Task.Delay(500);
        var signal = new ProcessStartInfo("kill") { RedirectStandardError = true, UseShellExecute = false };
        signal.ArgumentList.Add("-INT");
        signal.ArgumentList.Add(p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using (var kill = Process.Start(signal)!)
        {
            string killError = await kill.StandardError.ReadToEndAsync();
            await kill.WaitForExitAsync();
            Assert.True(kill.ExitCode == 0, $"kill -INT {p.Id} failed: {killError}");
        }

        // A hang guard, not a speed promise: train stops at the next step boundary, or between two batches when the signal
        // lands during the epoch's validation; with every test host of the solution running on 2 cores a single step can
        // still take long. The tails say where it was.
        if (!p.WaitForExit(TimeSpan.FromMinutes(6)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"train did not stop within 6 minutes of SIGINT; stderr: {Tail(await stderr)}; stdout: {Tail(await stdout)}");
        }

        string err = await stderr, output = await stdout;
        Assert.True(p.ExitCode == 130, $"exit {p.ExitCode}; stderr: {err}; stdout tail: {Tail(output)}");
        string message = err.Trim();
        Assert.Contains("cancelled", message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);

        var files = Directory.GetFiles(run, "*", SearchOption.AllDirectories);
        Assert.DoesNotContain(files, f => Path.GetFileName(f).Contains(".tmp", StringComparison.Ordinal));
        foreach (var checkpoint in files.Where(f => f.EndsWith(".safetensors", StringComparison.Ordinal)))
        {
            var (tensors, _) = SafeTensors.Read(checkpoint);
            Assert.NotEmpty(tensors);
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>Whether this process ignores SIGINT (bit 2 of the SigIgn mask in /proc/self/status; false where there is no /proc).</summary>
    private static bool SigIntIgnored()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return false;
        }

        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out ulong mask)
            && (mask & (1UL << (2 - 1))) != 0;
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];
}
