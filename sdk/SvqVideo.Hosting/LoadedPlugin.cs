using McMaster.NETCore.Plugins;

namespace SvqVideo.Hosting;

/// <summary>
/// One plugin dll as the catalog holds it: its loader (and so its load context), the SDK major it was built
/// against, the factories it currently provides (replaced on a hot reload) and, with hot reload, its folder watcher.
/// <see cref="Factories"/> is read and written under the registry's lock.
/// </summary>
internal sealed class LoadedPlugin(string dllPath, PluginLoader loader, int sdkMajor) : IDisposable
{
    public string DllPath { get; } = dllPath;

    /// <summary>The assembly name the dll is registered under (its file name).</summary>
    public string Name => Path.GetFileNameWithoutExtension(DllPath);

    public PluginLoader Loader { get; } = loader;

    public int SdkMajor { get; } = sdkMajor;

    public IReadOnlyList<PluginFactory> Factories { get; set; } = [];

    public PluginWatcher? Watcher { get; set; }

    private PluginReloadedEventHandler? _onReloaded;

    /// <summary>Calls <paramref name="callback"/> each time the loader has loaded a new version; <see cref="Dispose"/> stops it.</summary>
    public void WhenReloaded(Action<LoadedPlugin> callback)
    {
        _onReloaded = (_, _) => callback(this);
        Loader.Reloaded += _onReloaded;
    }

    /// <summary>Stops watching and reloading and disposes the loader (its collectible context unloads once nothing references it).</summary>
    public void Dispose()
    {
        Watcher?.Dispose();
        Watcher = null;
        if (_onReloaded is not null)
        {
            Loader.Reloaded -= _onReloaded;
            _onReloaded = null;
        }

        Loader.Dispose();
    }
}
