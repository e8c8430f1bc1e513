using System.Text.Json;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace SvqVideo.Testing;

/// <summary>
/// Honours a golden fixture's <c>layout</c> metadata: the axis order of each stored input and output
/// (tests/fixtures/README.md). A test states the axis order its module works in (e.g. <c>N,C,H,W</c>);
/// <see cref="ToNative"/> rearranges a stored input into it and <see cref="ToFixture"/> rearranges a produced
/// output into the stored order, so a fixture that stores, say, channels-last tensors is compared correctly.
/// Axis names are matched by meaning: a name's leading identifier decides (<c>B</c> = <c>N</c> = batch;
/// <c>C</c>, <c>dim</c>, <c>C_in</c>, <c>C_out</c>, <c>C_hid</c>, <c>hid_S</c> = channels; <c>h</c> = <c>H</c>,
/// <c>w</c> = <c>W</c>; so <c>h*2^(N_S/2)</c> is a height and <c>B*T</c> a batch of frames), and text after the
/// first blank (<c>N,C_in,H,W (N = B*T frames)</c>) is a comment. A tensor without a layout entry is taken to be
/// in the module's own order.
/// </summary>
public static partial class FixtureLayout
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["B"] = "N",
        ["N"] = "N",
        ["batch"] = "N",
        ["C"] = "C",
        ["dim"] = "C",
        ["C_in"] = "C",
        ["C_out"] = "C",
        ["C_hid"] = "C",
        ["hid_S"] = "C",
        ["channels"] = "C",
        ["H"] = "H",
        ["h"] = "H",
        ["W"] = "W",
        ["w"] = "W",
        ["T"] = "T",
    };

    /// <summary>The stored tensor <paramref name="name"/> rearranged into <paramref name="nativeAxes"/> (a view; no copy).</summary>
    /// <exception cref="InvalidDataException">The declared layout is not an order of the native axes, or does not fit the tensor's rank.</exception>
    public static Tensor ToNative(GoldenFixture fx, string name, string nativeAxes)
    {
        ArgumentNullException.ThrowIfNull(fx);
        var stored = fx[name];
        var (file, native) = Axes(fx, name, nativeAxes, stored.dim());
        return stored.permute([.. native.Select(a => (long)Array.IndexOf(file, a))]);
    }

    /// <summary><paramref name="produced"/> (in <paramref name="nativeAxes"/>) rearranged into the order the fixture stores <paramref name="name"/> in.</summary>
    /// <exception cref="InvalidDataException">The declared layout is not an order of the native axes, or does not fit the tensor's rank.</exception>
    public static Tensor ToFixture(GoldenFixture fx, string name, Tensor produced, string nativeAxes)
    {
        ArgumentNullException.ThrowIfNull(fx);
        ArgumentNullException.ThrowIfNull(produced);
        var (file, native) = Axes(fx, name, nativeAxes, produced.dim());
        return produced.permute([.. file.Select(a => (long)Array.IndexOf(native, a))]);
    }

    /// <summary>The axis names of a layout string by meaning (see the class remarks).</summary>
    public static string[] Parse(string layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        string axes = layout.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        return [.. axes.Split(',').Select(Canonical)];
    }

    private static (string[] File, string[] Native) Axes(GoldenFixture fx, string name, string nativeAxes, long rank)
    {
        var native = Parse(nativeAxes);
        string? declared = Declared(fx, name);
        var file = declared is null ? native : Parse(declared);
        bool distinct = native.Distinct(StringComparer.Ordinal).Count() == native.Length;
        if (!distinct || file.Length != native.Length || rank != native.Length || !file.Order(StringComparer.Ordinal).SequenceEqual(native.Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            throw new InvalidDataException($"{fx.Name}: tensor '{name}' (rank {rank}) has layout '{declared}', which is not an order of the axes {nativeAxes} the test works in");
        }

        return (file, native);
    }

    private static string? Declared(GoldenFixture fx, string name)
    {
        if (!fx.Metadata.TryGetValue("layout", out var json))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty(name, out var entry) && entry.ValueKind == JsonValueKind.String ? entry.GetString() : null;
    }

    private static string Canonical(string axis)
    {
        string trimmed = axis.Trim();
        var identifier = LeadingIdentifier().Match(trimmed);
        if (!identifier.Success)
        {
            return trimmed;
        }

        return Aliases.TryGetValue(identifier.Value, out var canonical) ? canonical : identifier.Value;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex LeadingIdentifier();
}
