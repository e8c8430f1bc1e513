using System.Diagnostics;
using System.Text.Json.Nodes;

namespace SvqVideo.Bench;

/// <summary>Runs one measurement in a fresh copy of this program (so that VmHWM is that measurement's own) and reads its one JSON line.</summary>
internal static class ChildProcess
{
    public static JsonObject Run(BenchOptions options, params string[] measurement)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this program's path to start a measurement process");
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        }

        foreach (var a in options.ChildPrefix().Append("--child").Concat(measurement))
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {self}");
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string? line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
        if (process.ExitCode != 0 || line is null)
        {
            return new JsonObject { ["error"] = $"measurement '{string.Join(' ', measurement)}' failed with exit code {process.ExitCode} (see stderr above)" };
        }

        return (JsonObject)JsonNode.Parse(line)!;
    }
}
