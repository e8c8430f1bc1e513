using System.Globalization;

namespace SvqVideo.Bench;

/// <summary>Resident memory of this process from /proc/self/status (Linux), in MiB.</summary>
internal static class ProcessMemory
{
    /// <summary>High-water mark of the resident set (VmHWM) since start or the last <see cref="ResetPeak"/>.</summary>
    public static double PeakMiB => Read("VmHWM:");

    /// <summary>Current resident set (VmRSS).</summary>
    public static double CurrentMiB => Read("VmRSS:");

    /// <summary>
    /// Resets VmHWM to the current RSS (writing 5 to /proc/self/clear_refs, Linux ≥ 4.0). Returns false
    /// where the kernel refuses; callers then run each measurement in its own process.
    /// </summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static double Read(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                var kb = long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kb / 1024.0;
            }
        }

        return double.NaN;
    }
}
