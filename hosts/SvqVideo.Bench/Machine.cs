using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace SvqVideo.Bench;

/// <summary>What the run ran on: CPU model, cores, threads, load average, runtime versions.</summary>
internal static class Machine
{
    public static JsonObject Describe(BenchOptions options) => new()
    {
        ["cpu"] = CpuModel(),
        ["logical_cores"] = Environment.ProcessorCount,
        ["threads"] = options.Threads,
        ["torch_threads"] = get_num_threads(),
        ["load_average_before"] = LoadAverage(),
        ["dotnet"] = Environment.Version.ToString(),
        ["libtorch"] = __version__,
        ["quick"] = options.Quick,
    };

    /// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string CpuModel()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path))
        {
            return "unknown";
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? "unknown" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
