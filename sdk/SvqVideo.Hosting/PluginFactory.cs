namespace SvqVideo.Hosting;

/// <summary>One factory a plugin provides, with the entry the catalog lists for it.</summary>
internal sealed record PluginFactory(PluginEntry Entry, object Factory);
