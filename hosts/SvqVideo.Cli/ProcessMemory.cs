using System.Globalization;

namespace SvqVideo.Cli;

/// <summary>The process's peak resident memory, reported in <c>--json</c> output so that a user sees what a run needed.</summary>
internal static class ProcessMemory
{
    /// <summary>The high-water mark of this process's resident set (VmHWM) in MiB, or null where the system does not say.</summary>
    public static double? PeakMiB()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    long kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return Math.Round(kb / 1024.0, 1);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
