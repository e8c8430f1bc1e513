using System.Text.Json;
using System.Text.Json.Serialization;

namespace SvqVideo.Metrics;

/// <summary>
/// The result of a <see cref="MetricSet"/>: per-metric summaries, counts, and the metrics that could
/// not be computed with a one-line reason each (never a made-up number). Immutable.
/// <para>
/// JSON shape (<see cref="ToJson"/>; snake_case keys):
/// <c>{"frames": N, "clips": N, "metrics": {"psnr": {"name", "description", "mean", "finite_mean", "frames",
/// "infinite_frames", "per_frame_index": [...]}, ...}, "unavailable": {"lpips": "reason"}}</c>.
/// Non-finite numbers are written as the strings "Infinity", "-Infinity", "NaN" (JSON has no literal for them).
/// </para>
/// </summary>
public sealed class MetricReport
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    /// <summary>Frames aggregated (B·T summed over updates).</summary>
    public required long Frames { get; init; }

    /// <summary>Clips aggregated (B summed over updates).</summary>
    public required long Clips { get; init; }

    /// <summary>Summaries by metric name, in the requested order.</summary>
    public required IReadOnlyDictionary<string, MetricSummary> Metrics { get; init; }

    /// <summary>Requested metrics that could not be computed, with the reason and how to fix it.</summary>
    public required IReadOnlyDictionary<string, string> Unavailable { get; init; }

    /// <summary>The summary of <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The metric was not computed (see <see cref="Unavailable"/>).</exception>
    public MetricSummary this[string name] => Metrics.TryGetValue(name, out var s) ? s
        : throw new KeyNotFoundException(Unavailable.TryGetValue(name, out var why) ? why : $"metric '{name}' was not computed");

    /// <summary>The report as indented JSON (see the class remarks for the shape).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses JSON written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">The text is not such a report.</exception>
    public static MetricReport FromJson(string json) =>
        JsonSerializer.Deserialize<MetricReport>(json, JsonOptions) ?? throw new JsonException("empty metric report");
}
