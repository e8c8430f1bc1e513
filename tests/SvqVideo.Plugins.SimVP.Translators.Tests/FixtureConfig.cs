using System.Text.Json;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>Reads the reference constructor's keyword arguments from a fixture's <c>config</c> JSON.</summary>
internal sealed class FixtureConfig(JsonElement config, string fixtureName)
{
    public int Int(params string[] keys) => ToInt(Find(keys), keys[0]);

    public double Double(params string[] keys) => Find(keys).GetDouble();

    public double DoubleOr(double fallback, params string[] keys) => TryFind(keys, out var e) ? e.GetDouble() : fallback;

    public int IntOr(int fallback, params string[] keys) => TryFind(keys, out var e) ? ToInt(e, keys[0]) : fallback;

    public string String(params string[] keys) => Find(keys).GetString() ?? throw new InvalidDataException($"{fixtureName}: config '{keys[0]}' is null");

    public string StringOr(string fallback, params string[] keys) => TryFind(keys, out var e) ? e.GetString() ?? fallback : fallback;

    public int[] IntsOr(int[] fallback, params string[] keys) => TryFind(keys, out var e) ? [.. e.EnumerateArray().Select(x => ToInt(x, keys[0]))] : fallback;

    public int[] Ints(params string[] keys) => [.. Find(keys).EnumerateArray().Select(e => ToInt(e, keys[0]))];

    /// <summary>
    /// Fails when the config holds a keyword the test does not pass on: an argument silently ignored could change
    /// what the reference computed.
    /// </summary>
    /// <exception cref="InvalidDataException">A key outside <paramref name="known"/>; the message lists them.</exception>
    public void RequireOnly(params string[] known)
    {
        var unknown = config.EnumerateObject().Select(p => p.Name).Where(k => !known.Contains(k, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidDataException($"{fixtureName}: config argument(s) {string.Join(", ", unknown)} have no equivalent in the test (known: {string.Join(", ", known)})");
        }
    }

    /// <summary>An integer argument, also when written as an integral float (<c>24.0</c>).</summary>
    private int ToInt(JsonElement e, string key)
    {
        if (e.TryGetInt32(out int n))
        {
            return n;
        }

        double d = e.GetDouble();
        return d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue
            ? (int)d
            : throw new InvalidDataException($"{fixtureName}: config '{key}' must be an integer, got {e}");
    }

    private JsonElement Find(string[] keys) =>
        TryFind(keys, out var e) ? e : throw new InvalidDataException($"{fixtureName}: config has none of [{string.Join(", ", keys)}]");

    private bool TryFind(string[] keys, out JsonElement value)
    {
        foreach (var k in keys)
        {
            if (config.TryGetProperty(k, out value))
            {
                return true;
            }
        }

        value = default;
        return false;
    }
}
