using System.Text.Json;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>Reads the reference constructor's keyword arguments from a fixture's <c>config</c> JSON.</summary>
internal sealed class FixtureConfig(JsonElement config, string fixtureName)
{
    public int Int(params string[] keys) => Find(keys).GetInt32();

    public double Double(params string[] keys) => Find(keys).GetDouble();

    public double DoubleOr(double fallback, params string[] keys) => TryFind(keys, out var e) ? e.GetDouble() : fallback;

    public int IntOr(int fallback, params string[] keys) => TryFind(keys, out var e) ? e.GetInt32() : fallback;

    public string String(params string[] keys) => Find(keys).GetString() ?? throw new InvalidDataException($"{fixtureName}: config '{keys[0]}' is null");

    public string StringOr(string fallback, params string[] keys) => TryFind(keys, out var e) ? e.GetString() ?? fallback : fallback;

    public int[] IntsOr(int[] fallback, params string[] keys) => TryFind(keys, out var e) ? [.. e.EnumerateArray().Select(x => x.GetInt32())] : fallback;

    public int[] Ints(params string[] keys) => [.. Find(keys).EnumerateArray().Select(e => e.GetInt32())];

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
