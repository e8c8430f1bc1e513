using McMaster.NETCore.Plugins;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Hosting;

/// <summary>
/// The plugins found in one folder, laid out as <c>&lt;folder&gt;/&lt;Name&gt;/&lt;Name&gt;.dll</c>, and the
/// factories they provide, by registry name. SDK assemblies and TorchSharp are shared with the host
/// (one copy, in the default load context), so tensors and modules cross the boundary freely.
/// <para>
/// Thread-safe: lookups may run while a hot reload swaps a plugin. Disposing the catalog disposes the
/// loaders (unloading collectible contexts once nothing references them); instances the host created
/// from factories are the host's to dispose first.
/// </para>
/// </summary>
public sealed class PluginCatalog : IForecastModelResolver, IServiceProvider, IDisposable
{
    private static readonly Type[] SharedTypes = FindSharedTypes();

    private readonly PluginCatalogOptions _options;
    private readonly PluginRegistry _registry = new();
    private readonly List<string> _problems = [];
    private int _disposed;

    private PluginCatalog(string folder, PluginCatalogOptions options)
    {
        Folder = folder;
        _options = options;
    }

    /// <summary>Raised after a plugin was reloaded (hot reload), on a thread-pool thread.</summary>
    public event EventHandler<PluginReloadedEventArgs>? Reloaded;

    /// <summary>The folder the plugins came from.</summary>
    public string Folder { get; }

    /// <summary>Every registered factory, sorted by kind then name.</summary>
    public IReadOnlyList<PluginEntry> Entries => _registry.Entries;

    /// <summary>Problems met while loading in non-strict mode (one line each).</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_problems)
            {
                return _problems.ToList();
            }
        }
    }

    /// <summary>
    /// Loads every plugin under <paramref name="folder"/>.
    /// </summary>
    /// <exception cref="PluginLoadException">The folder is missing or holds no plugin; in strict mode also any bad plugin,
    /// SDK-major mismatch or duplicate name (one line naming the files and versions).</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The loader is owned by the registered plugin (disposed with the catalog); failure paths dispose it.")]
    public static PluginCatalog Load(string folder, PluginCatalogOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        options ??= new PluginCatalogOptions();
        string full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            throw new PluginLoadException($"plugin folder does not exist: {full}");
        }

        var catalog = new PluginCatalog(full, options);
        try
        {
            var files = PluginDiscovery.PluginFiles(full, catalog.Report);
            if (files.Count == 0)
            {
                throw new PluginLoadException($"no plugins in {full}: expected <Name>/<Name>.dll folders");
            }

            foreach (var dll in files)
            {
                try
                {
                    catalog._registry.Add(catalog.LoadPlugin(dll));
                }
                catch (PluginLoadException e)
                {
                    catalog.Report(e.Message);
                }
            }

            return catalog;
        }
        catch
        {
            catalog.Dispose();
            throw;
        }
    }

    /// <summary>The predictor factory registered as <paramref name="name"/>.</summary>
    /// <exception cref="PluginLoadException">No such predictor (the message lists the known ones).</exception>
    public IFramePredictorFactory GetPredictor(string name) => Get<IFramePredictorFactory>(name, PluginKind.Predictor);

    /// <summary>The model factory registered as <paramref name="name"/>.</summary>
    /// <exception cref="PluginLoadException">No such model (the message lists the known ones).</exception>
    public IForecastModelFactory GetModel(string name) => Get<IForecastModelFactory>(name, PluginKind.Model);

    /// <summary>The quantizer factory registered as <paramref name="name"/>.</summary>
    /// <exception cref="PluginLoadException">No such quantizer (the message lists the known ones).</exception>
    public IQuantizerFactory GetQuantizer(string name) => Get<IQuantizerFactory>(name, PluginKind.Quantizer);

    /// <inheritdoc />
    public IQuantizerFactory? FindQuantizer(string name) => _registry.Find<IQuantizerFactory>(name, PluginKind.Quantizer);

    /// <inheritdoc />
    public IForecastModelFactory? FindModel(string family) => _registry.Find<IForecastModelFactory>(family, PluginKind.Model);

    /// <summary>Builds a predictor through the named factory, offering this catalog as its services.</summary>
    public IFramePredictor CreatePredictor(string name, PredictorCreateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Services ??= this;
        return GetPredictor(name).Create(options);
    }

    /// <summary>Offers <see cref="IForecastModelResolver"/>, <see cref="IQuantizerResolver"/> and the catalog itself.</summary>
    public object? GetService(Type serviceType) =>
        serviceType == typeof(IForecastModelResolver) || serviceType == typeof(IQuantizerResolver) || serviceType == typeof(PluginCatalog) ? this : null;

    /// <summary>Disposes every plugin loader (unloading collectible contexts once unreferenced).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var plugin in _registry.RemoveAll())
        {
            plugin.Dispose();
        }
    }

    /// <summary>Weak references to the load contexts, for unload tests.</summary>
    internal IReadOnlyList<WeakReference> LoadContextReferences() => _registry.LoadContextReferences();

    private T Get<T>(string name, PluginKind kind)
        where T : class
    {
        var found = _registry.Find<T>(name, kind);
        if (found is not null)
        {
            return found;
        }

        var known = Entries.Where(e => e.Kind == kind).Select(e => e.Name).ToList();
        throw new PluginLoadException($"no {kind.ToString().ToLowerInvariant()} plugin named '{name}' in {Folder} (available: {(known.Count == 0 ? "none" : string.Join(", ", known))})");
    }

    private void Report(string problem)
    {
        if (_options.Strict)
        {
            throw new PluginLoadException(problem);
        }

        lock (_problems)
        {
            _problems.Add(problem);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The loader is owned by the registered plugin (disposed with the catalog); failure paths dispose it.")]
    private LoadedPlugin LoadPlugin(string dll)
    {
        int major = PluginAssemblyInspector.ReadCompatibleSdkMajor(dll);
        var loader = PluginLoader.CreateFromAssemblyFile(dll, SharedTypes, config =>
        {
            config.PreferSharedTypes = true;
            config.IsUnloadable = _options.Unloadable || _options.EnableHotReload;

            // Hot reload loads from memory so the file can be replaced; PluginWatcher (not McMaster's own watcher,
            // which sees only in-place writes) triggers the reload, so an atomic replace by rename works too.
            config.LoadInMemory = _options.EnableHotReload;
        });
        var plugin = new LoadedPlugin(dll, loader, major);
        try
        {
            plugin.Factories = PluginDiscovery.Factories(loader, dll, major);
            plugin.WhenReloaded(OnReloaded);
            if (_options.EnableHotReload)
            {
                plugin.Watcher = new PluginWatcher(Path.GetDirectoryName(dll)!, _options.ReloadDelay, () => Reload(plugin));
            }

            return plugin;
        }
        catch
        {
            plugin.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The types whose assemblies host and plugins share: the host-facing SDK always; the tensor-level SDK and
    /// TorchSharp when the host ships TorchSharp. A host without it (forecasting with the onnx plugin only) never
    /// loads TorchSharp or libtorch; plugins that need them then fail to load with a one-line problem.
    /// </summary>
    private static Type[] FindSharedTypes()
    {
        try
        {
            return TorchSharedTypes();
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException)
        {
            return [typeof(IFramePredictor)];
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static Type[] TorchSharedTypes() => [typeof(IFramePredictor), typeof(IQuantizer), typeof(Tensor)];

    /// <summary>The watcher saw the plugin's files change: reload it into a new context (McMaster then raises its Reloaded).</summary>
    private void Reload(LoadedPlugin plugin)
    {
        try
        {
            plugin.Loader.Reload();
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or InvalidOperationException or ObjectDisposedException)
        {
            _registry.Withdraw(plugin);
            Reloaded?.Invoke(this, new PluginReloadedEventArgs(plugin.Name, [], $"{Path.GetFileName(plugin.DllPath)} could not be reloaded: {e.Message}"));
        }
    }

    /// <summary>A plugin's new version is loaded: check it like a first load and swap its factories in (none on failure).</summary>
    private void OnReloaded(LoadedPlugin plugin)
    {
        IReadOnlyList<PluginFactory> factories = [];
        string? error = null;
        try
        {
            int major = PluginAssemblyInspector.ReadCompatibleSdkMajor(plugin.DllPath);
            factories = PluginDiscovery.Factories(plugin.Loader, plugin.DllPath, major);
            _registry.Replace(plugin, factories);
        }
        catch (PluginLoadException e)
        {
            error = e.Message;
            factories = [];
            _registry.Withdraw(plugin);
        }

        Reloaded?.Invoke(this, new PluginReloadedEventArgs(plugin.Name, factories.Select(f => f.Entry).ToList(), error));
    }
}
