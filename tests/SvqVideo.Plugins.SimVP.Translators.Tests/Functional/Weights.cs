using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>
/// Read-only float64 parameters of a module for the functional references, seen under a key prefix
/// (<c>weights.Under("enc.0.block.")["norm1.weight"]</c> is <c>enc.0.block.norm1.weight</c>).
/// </summary>
internal sealed class Weights(IReadOnlyDictionary<string, Tensor> all, string prefix = "")
{
    public Tensor this[string key] =>
        all.TryGetValue(prefix + key, out var t) ? t : throw new KeyNotFoundException($"the module has no tensor '{prefix + key}'");

    /// <summary>True when the module has <paramref name="key"/> under this prefix.</summary>
    public bool Has(string key) => all.ContainsKey(prefix + key);

    /// <summary>The same parameters seen one level further down.</summary>
    public Weights Under(string sub) => new(all, prefix + sub);
}
