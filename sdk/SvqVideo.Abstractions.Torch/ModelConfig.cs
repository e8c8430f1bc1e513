using System.Collections.Immutable;

namespace SvqVideo.Torch;

/// <summary>
/// The cheap, immutable description of a forecasting model from which an
/// <see cref="IForecastModelFactory"/> builds it: the family, the clip shape, and family-specific
/// hyper-parameters under the reference implementation's names (for SimVP: <c>hid_S</c>, <c>hid_T</c>,
/// <c>N_S</c>, <c>N_T</c>, <c>model_type</c>, <c>mlp_ratio</c>, <c>drop</c>, <c>drop_path</c>,
/// <c>spatio_kernel_enc</c>, <c>spatio_kernel_dec</c>). Thread-safe.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>Registry name of the model family, e.g. <c>simvp</c>.</summary>
    public required string Family { get; init; }

    /// <summary>Context frames T_in.</summary>
    public required int FramesIn { get; init; }

    /// <summary>Frames to forecast T_out (the trained horizon).</summary>
    public required int FramesOut { get; init; }

    /// <summary>Channels per frame.</summary>
    public required int Channels { get; init; }

    /// <summary>Frame height.</summary>
    public required int Height { get; init; }

    /// <summary>Frame width.</summary>
    public required int Width { get; init; }

    /// <summary>Family-specific hyper-parameters as invariant-culture strings.</summary>
    public IImmutableDictionary<string, string> Parameters { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Returns a copy with <paramref name="name"/> set to <paramref name="value"/> (formatted invariantly).</summary>
    public ModelConfig With(string name, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return this with { Parameters = Parameters.SetItem(name, ParameterParsing.Format(value)) };
    }

    /// <summary>The string parameter, or the default when absent.</summary>
    public string? GetString(string name, string? defaultValue = null) => ParameterParsing.GetString(Parameters, name, defaultValue);

    /// <summary>The integer parameter, or the default when absent.</summary>
    /// <exception cref="FormatException">The stored value is not an integer.</exception>
    public int GetInt(string name, int defaultValue) => ParameterParsing.GetInt(Parameters, name, defaultValue);

    /// <summary>The floating-point parameter, or the default when absent.</summary>
    /// <exception cref="FormatException">The stored value is not a number.</exception>
    public double GetDouble(string name, double defaultValue) => ParameterParsing.GetDouble(Parameters, name, defaultValue);

    /// <summary>The boolean parameter, or the default when absent.</summary>
    /// <exception cref="FormatException">The stored value is not a boolean.</exception>
    public bool GetBool(string name, bool defaultValue) => ParameterParsing.GetBool(Parameters, name, defaultValue);

    /// <summary>Rejects a parameter the family does not know (the same policy as <see cref="QuantizerOptions.ThrowIfUnknownParameters"/>).</summary>
    /// <exception cref="ArgumentException">A name of <see cref="Parameters"/> is not in <paramref name="known"/>; the message names it, the <see cref="Family"/> and every known name.</exception>
    public void ThrowIfUnknownParameters(IEnumerable<string> known) => ParameterParsing.ThrowIfUnknown(Parameters, Family, known);

    /// <summary>Equality over every member, including the parameters.</summary>
    public bool Equals(ModelConfig? other) =>
        other is not null && Family == other.Family && FramesIn == other.FramesIn && FramesOut == other.FramesOut
        && Channels == other.Channels && Height == other.Height && Width == other.Width
        && Parameters.Count == other.Parameters.Count
        && Parameters.All(kv => other.Parameters.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>Hash over the typed members.</summary>
    public override int GetHashCode() => HashCode.Combine(Family, FramesIn, FramesOut, Channels, Height, Width, Parameters.Count);
}
