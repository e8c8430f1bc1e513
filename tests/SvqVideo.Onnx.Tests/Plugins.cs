using SvqVideo.Hosting;
using SvqVideo.Testing;

namespace SvqVideo.Onnx.Tests;

/// <summary>The plugins as a host sees them: one catalog over artifacts/plugins for the whole test run.</summary>
internal static class Plugins
{
    private static readonly Lazy<PluginCatalog> Shared = new(() =>
    {
        var catalog = PluginCatalog.Load(Folder, new PluginCatalogOptions { Strict = false });
        return catalog.Problems.Count == 0 ? catalog : throw new InvalidOperationException($"plugin problems in {Folder}: {string.Join(" | ", catalog.Problems)}");
    });

    public static string Folder => Path.Combine(Fixtures.RepositoryRoot, "artifacts", "plugins");

    public static PluginCatalog Catalog => Shared.Value;

    /// <summary>Every quantizer kind the catalog offers (discovered, not listed), sorted.</summary>
    public static IReadOnlyList<string> QuantizerKinds() =>
        Catalog.Entries.Where(e => e.Kind == PluginKind.Quantizer).Select(e => e.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
}
