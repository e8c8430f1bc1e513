using System.Globalization;
using System.Text.RegularExpressions;

namespace SvqVideo.Cli;

/// <summary>Parses durations written like <c>90s</c>, <c>5m</c>, <c>1h30m</c> (or plain seconds).</summary>
internal static partial class Durations
{
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        var m = Pattern().Match(t);
        if (!m.Success || t.Length == 0)
        {
            throw new CliException(ExitCodes.Usage, $"invalid duration '{text}' (write it like 90s, 5m or 1h30m)");
        }

        double Part(string g) => m.Groups[g].Success ? double.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture) : 0;
        var span = TimeSpan.FromHours(Part("h")) + TimeSpan.FromMinutes(Part("m")) + TimeSpan.FromSeconds(Part("s"));
        return span > TimeSpan.Zero ? span : throw new CliException(ExitCodes.Usage, $"duration must be positive: '{text}'");
    }

    [GeneratedRegex(@"^(?:(?<h>\d+(?:\.\d+)?)h)?(?:(?<m>\d+(?:\.\d+)?)m)?(?:(?<s>\d+(?:\.\d+)?)s)?$")]
    private static partial Regex Pattern();
}
