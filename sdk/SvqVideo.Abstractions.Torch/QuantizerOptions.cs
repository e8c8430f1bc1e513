using System.Collections.Immutable;

namespace SvqVideo.Torch;

/// <summary>
/// The cheap, immutable description of a quantizer from which an <see cref="IQuantizerFactory"/>
/// builds the module. Common settings are typed members; family-specific ones (EMA decay, number
/// of residual layers, FSQ levels, …) live in <see cref="Parameters"/> as invariant-culture
/// strings so that the whole description round-trips through a checkpoint manifest. Thread-safe.
/// </summary>
public sealed record QuantizerOptions
{
    /// <summary>Registry name of the quantizer family (<c>svq</c>, <c>vq</c>, <c>rvq</c>, <c>lfq</c>, <c>fsq</c>, <c>none</c>, …).</summary>
    public required string Kind { get; init; }

    /// <summary>Latent channels C' the quantizer receives (the encoder's hid_S). Must be positive.</summary>
    public required int Dimension { get; init; }

    /// <summary>Number of codes N; 0 means the family's default.</summary>
    public int CodebookSize { get; init; }

    /// <summary>True to keep the codebook fixed (no gradient, no EMA update).</summary>
    public bool Frozen { get; init; }

    /// <summary>Codebook initialisation (<c>kaiming</c>, <c>normal</c>, <c>xavier</c>, <c>sparse</c>, <c>trunc_normal</c>, <c>orthogonal</c>); null for the family's default.</summary>
    public string? Init { get; init; }

    /// <summary>Family-specific settings by name (snake_case, as the reference implementations name them).</summary>
    public IImmutableDictionary<string, string> Parameters { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Returns a copy with <paramref name="name"/> set to <paramref name="value"/> (formatted invariantly).</summary>
    public QuantizerOptions With(string name, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return this with { Parameters = Parameters.SetItem(name, ParameterParsing.Format(value)) };
    }

    /// <summary>The string parameter <paramref name="name"/>, or <paramref name="defaultValue"/> when absent.</summary>
    public string? GetString(string name, string? defaultValue = null) => ParameterParsing.GetString(Parameters, name, defaultValue);

    /// <summary>The integer parameter <paramref name="name"/>, or <paramref name="defaultValue"/> when absent.</summary>
    /// <exception cref="FormatException">The stored value is not an integer.</exception>
    public int GetInt(string name, int defaultValue) => ParameterParsing.GetInt(Parameters, name, defaultValue);

    /// <summary>The floating-point parameter <paramref name="name"/>, or <paramref name="defaultValue"/> when absent.</summary>
    /// <exception cref="FormatException">The stored value is not a number.</exception>
    public double GetDouble(string name, double defaultValue) => ParameterParsing.GetDouble(Parameters, name, defaultValue);

    /// <summary>The boolean parameter <paramref name="name"/> (<c>true</c>/<c>false</c>), or <paramref name="defaultValue"/> when absent.</summary>
    /// <exception cref="FormatException">The stored value is not a boolean.</exception>
    public bool GetBool(string name, bool defaultValue) => ParameterParsing.GetBool(Parameters, name, defaultValue);

    /// <summary>The integer-list parameter <paramref name="name"/> (comma-separated), or <paramref name="defaultValue"/> when absent.</summary>
    /// <exception cref="FormatException">An element is not an integer.</exception>
    public int[] GetIntList(string name, int[] defaultValue) => ParameterParsing.GetIntList(Parameters, name, defaultValue);

    /// <summary>
    /// Rejects a parameter the family does not know: every quantizer calls this with the names it reads, so a
    /// misspelt or foreign setting is an error rather than silently ignored.
    /// </summary>
    /// <exception cref="ArgumentException">A name of <see cref="Parameters"/> is not in <paramref name="known"/>; the message names it, the <see cref="Kind"/> and every known name.</exception>
    public void ThrowIfUnknownParameters(IEnumerable<string> known) => ParameterParsing.ThrowIfUnknown(Parameters, Kind, known);

    /// <summary>Equality over every member, including the parameters.</summary>
    public bool Equals(QuantizerOptions? other) =>
        other is not null && Kind == other.Kind && Dimension == other.Dimension && CodebookSize == other.CodebookSize
        && Frozen == other.Frozen && Init == other.Init
        && Parameters.Count == other.Parameters.Count
        && Parameters.All(kv => other.Parameters.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>Hash over the typed members.</summary>
    public override int GetHashCode() => HashCode.Combine(Kind, Dimension, CodebookSize, Frozen, Init, Parameters.Count);
}
