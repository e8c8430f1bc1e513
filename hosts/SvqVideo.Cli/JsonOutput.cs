using System.Text.Json;
using System.Text.Json.Serialization;

namespace SvqVideo.Cli;

/// <summary>The CLI's JSON settings: snake_case names as the metric reports use; +∞ (identical frames) as "Infinity".</summary>
internal static class JsonOutput
{
    public static readonly JsonSerializerOptions Compact = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
}
