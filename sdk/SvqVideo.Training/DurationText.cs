using System.Globalization;
using System.Text.RegularExpressions;

namespace SvqVideo.Training;

/// <summary>
/// Durations as the command line and the presets write them (the one grammar of the project): a sequence of
/// number + unit with units <c>d</c>, <c>h</c>, <c>m</c>, <c>s</c>, <c>ms</c> (e.g. <c>90s</c>, <c>3m</c>,
/// <c>1h30m</c>, <c>1.5h</c>), a plain number of seconds (<c>90</c>), or <c>hh:mm:ss</c>.
/// Thread-safe.
/// </summary>
public static partial class DurationText
{
    /// <summary>Parses a duration such as <c>3m</c> or <c>1h30m</c>; also accepts plain seconds and <c>hh:mm:ss</c>.</summary>
    /// <exception cref="FormatException">The text is not a positive duration (the message shows the accepted forms).</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim().ToLowerInvariant();
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double plain))
        {
            return plain > 0 && double.IsFinite(plain)
                ? TimeSpan.FromSeconds(plain)
                : throw new FormatException($"'{text}' is not a positive duration (use e.g. 90s, 3m, 1h30m)");
        }

        if (s.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
        {
            return span;
        }

        var matches = Part().Matches(s);
        if (s.Length == 0 || matches.Sum(m => m.Length) != s.Length)
        {
            throw new FormatException($"'{text}' is not a duration (use e.g. 90s, 3m, 1h30m, 2d)");
        }

        double seconds = 0;
        foreach (Match m in matches)
        {
            double value = double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            seconds += m.Groups["unit"].Value switch
            {
                "d" => value * 86400,
                "h" => value * 3600,
                "m" => value * 60,
                "s" => value,
                _ => value / 1000,
            };
        }

        if (seconds <= 0)
        {
            throw new FormatException($"'{text}' is not a positive duration (use e.g. 90s, 3m, 1h30m)");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Formats a duration in the same notation, e.g. <c>1h30m</c>, <c>45s</c>, <c>250ms</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return "0s";
        }

        var parts = new List<string>();
        if (duration.Days > 0)
        {
            parts.Add($"{duration.Days}d");
        }

        if (duration.Hours > 0)
        {
            parts.Add($"{duration.Hours}h");
        }

        if (duration.Minutes > 0)
        {
            parts.Add($"{duration.Minutes}m");
        }

        if (duration.Seconds > 0)
        {
            parts.Add($"{duration.Seconds}s");
        }

        if (duration.Milliseconds > 0)
        {
            parts.Add($"{duration.Milliseconds}ms");
        }

        return parts.Count == 0 ? "0s" : string.Concat(parts);
    }

    [GeneratedRegex(@"(?<value>\d+(\.\d+)?)(?<unit>ms|d|h|m|s)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();
}
