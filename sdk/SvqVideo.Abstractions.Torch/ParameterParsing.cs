using System.Collections.Immutable;
using System.Globalization;

namespace SvqVideo.Torch;

/// <summary>Typed access to string-valued parameter sets (invariant culture).</summary>
internal static class ParameterParsing
{
    public static string Format(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value switch
        {
            bool b => b ? "true" : "false",
            int[] list => string.Join(",", list.Select(i => i.ToString(CultureInfo.InvariantCulture))),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }

    public static string? GetString(IImmutableDictionary<string, string> p, string name, string? defaultValue) =>
        p.TryGetValue(name, out var v) ? v : defaultValue;

    public static int GetInt(IImmutableDictionary<string, string> p, string name, int defaultValue) =>
        p.TryGetValue(name, out var v) ? Parse(name, v, s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)) : defaultValue;

    public static double GetDouble(IImmutableDictionary<string, string> p, string name, double defaultValue) =>
        p.TryGetValue(name, out var v) ? Parse(name, v, s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)) : defaultValue;

    public static bool GetBool(IImmutableDictionary<string, string> p, string name, bool defaultValue) =>
        p.TryGetValue(name, out var v) ? Parse(name, v, s => bool.Parse(s)) : defaultValue;

    public static int[] GetIntList(IImmutableDictionary<string, string> p, string name, int[] defaultValue) =>
        p.TryGetValue(name, out var v)
            ? Parse(name, v, s => s.Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(x => int.Parse(x, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray())
            : defaultValue;

    /// <summary>The one policy for parameter names: every name must be known; an unknown one is rejected, listing the known names.</summary>
    public static void ThrowIfUnknown(IImmutableDictionary<string, string> p, string owner, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        var names = known.ToList();
        foreach (var key in p.Keys)
        {
            if (!names.Contains(key, StringComparer.Ordinal))
            {
                string list = names.Count == 0 ? "none" : string.Join(", ", names);
                throw new ArgumentException($"unknown {owner} parameter '{key}' (known: {list}; names are case-sensitive)", key);
            }
        }
    }

    private static T Parse<T>(string name, string value, Func<string, T> parse)
    {
        try
        {
            return parse(value);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new FormatException($"parameter '{name}' has the invalid value '{value}'", e);
        }
    }
}
