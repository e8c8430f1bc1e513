namespace SvqVideo.Hosting;

/// <summary>How a <see cref="PluginCatalog"/> loads plugins. Null/default members mean the defaults below.</summary>
public sealed class PluginCatalogOptions
{
    /// <summary>
    /// Watch each plugin's folder and load a new version when its dll is replaced (default false).
    /// Implies collectible load contexts. Native libraries a plugin loaded are never unloaded.
    /// </summary>
    public bool EnableHotReload { get; set; }

    /// <summary>Load plugins into collectible contexts so that <see cref="PluginCatalog.Dispose"/> can unload them (default false).</summary>
    public bool Unloadable { get; set; }

    /// <summary>
    /// True (default): the first problem (bad folder, not a plugin, SDK mismatch, duplicate name) throws
    /// <see cref="PluginLoadException"/>. False: problems are collected in <see cref="PluginCatalog.Problems"/>
    /// and the usable plugins are loaded.
    /// </summary>
    public bool Strict { get; set; } = true;

    /// <summary>Delay between a file change and the reload, to let a copy finish (default 300 ms).</summary>
    public TimeSpan ReloadDelay { get; set; } = TimeSpan.FromMilliseconds(300);
}
