using System.Reflection;
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
public sealed class PluginCatalog : IQuantizerResolver, IServiceProvider, IDisposable
{
    private static readonly Type[] SharedTypes = FindSharedTypes();

    private readonly object _gate = new();
    private readonly PluginCatalogOptions _options;
    private readonly List<LoadedPlugin> _plugins = [];
    private readonly List<string> _problems = [];
    private bool _disposed;

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
    public IReadOnlyList<PluginEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return _plugins.SelectMany(p => p.Factories.Select(f => f.Entry)).OrderBy(e => e.Kind).ThenBy(e => e.Name, StringComparer.Ordinal).ToList();
            }
        }
    }

    /// <summary>Problems met while loading in non-strict mode (one line each).</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_gate)
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
    public static PluginCatalog Load(string folder, PluginCatalogOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        options ??= new PluginCatalogOptions();
        string full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            throw new PluginLoadException($"plugin folder does not exist: {full} (build the plugins, or pass --plugins <folder>)");
        }

        var catalog = new PluginCatalog(full, options);
        try
        {
            var candidates = Directory.GetDirectories(full).OrderBy(d => d, StringComparer.Ordinal).ToList();
            int found = 0;
            foreach (var dir in candidates)
            {
                string name = Path.GetFileName(dir);
                string dll = Path.Combine(dir, name + ".dll");
                if (!File.Exists(dll))
                {
                    catalog.Report($"{dir} holds no plugin: expected {name}.dll in it");
                    continue;
                }

                found++;
                try
                {
                    var plugin = catalog.LoadPlugin(dll);
                    catalog.Register(plugin);
                }
                catch (PluginLoadException e)
                {
                    catalog.Report(e.Message);
                }
            }

            if (found == 0)
            {
                throw new PluginLoadException($"no plugins in {full}: expected <Name>/<Name>.dll folders (build the solution or run scripts/setup.sh)");
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
    public IQuantizerFactory? FindQuantizer(string name) => Find<IQuantizerFactory>(name, PluginKind.Quantizer);

    /// <summary>Builds a predictor through the named factory, offering this catalog as its services.</summary>
    public IFramePredictor CreatePredictor(string name, PredictorCreateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Services ??= this;
        return GetPredictor(name).Create(options);
    }

    /// <summary>Offers <see cref="IQuantizerResolver"/> and the catalog itself.</summary>
    public object? GetService(Type serviceType) =>
        serviceType == typeof(IQuantizerResolver) || serviceType == typeof(PluginCatalog) ? this : null;

    /// <summary>Disposes every plugin loader (unloading collectible contexts once unreferenced).</summary>
    public void Dispose()
    {
        List<LoadedPlugin> plugins;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            plugins = [.. _plugins];
            _plugins.Clear();
        }

        foreach (var p in plugins)
        {
            p.StopWatching();
            p.Loader.Reloaded -= p.OnReloaded;
            p.Loader.Dispose();
        }
    }

    /// <summary>Weak references to the load contexts, for unload tests.</summary>
    internal IReadOnlyList<WeakReference> LoadContextReferences()
    {
        lock (_gate)
        {
            return _plugins.Select(p => new WeakReference(p.Loader.LoadContext)).ToList();
        }
    }

    private T Get<T>(string name, PluginKind kind)
        where T : class
    {
        var found = Find<T>(name, kind);
        if (found is not null)
        {
            return found;
        }

        var known = Entries.Where(e => e.Kind == kind).Select(e => e.Name).ToList();
        throw new PluginLoadException($"no {kind.ToString().ToLowerInvariant()} plugin named '{name}' in {Folder} (available: {(known.Count == 0 ? "none" : string.Join(", ", known))})");
    }

    private T? Find<T>(string name, PluginKind kind)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            foreach (var p in _plugins)
            {
                foreach (var f in p.Factories)
                {
                    if (f.Entry.Kind == kind && string.Equals(f.Entry.Name, name, StringComparison.OrdinalIgnoreCase))
                    {
                        return (T)f.Factory;
                    }
                }
            }
        }

        return null;
    }

    private void Report(string problem)
    {
        if (_options.Strict)
        {
            throw new PluginLoadException(problem);
        }

        lock (_gate)
        {
            _problems.Add(problem);
        }
    }

    private LoadedPlugin LoadPlugin(string dll)
    {
        int major = ReadCompatibleSdkMajor(dll);
        var loader = PluginLoader.CreateFromAssemblyFile(dll, SharedTypes, config =>
        {
            config.PreferSharedTypes = true;
            config.IsUnloadable = _options.Unloadable || _options.EnableHotReload;

            // McMaster's own watcher reacts only to in-place writes; we watch renames and creations too,
            // so that an atomic replace (copy beside, rename over) triggers the reload.
            config.LoadInMemory = _options.EnableHotReload;
        });
        try
        {
            var plugin = new LoadedPlugin(this, dll, loader, major);
            plugin.Factories = Discover(loader, dll, major);
            loader.Reloaded += plugin.OnReloaded;
            if (_options.EnableHotReload)
            {
                plugin.StartWatching(_options.ReloadDelay);
            }

            return plugin;
        }
        catch
        {
            loader.Dispose();
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

    /// <summary>The SDK major a plugin references; throws when it is not this host's.</summary>
    private static int ReadCompatibleSdkMajor(string dll)
    {
        int major = PluginAssemblyInspector.ReadSdkMajor(dll);
        if (major != SdkVersion.Major)
        {
            throw new PluginLoadException($"{Path.GetFileName(dll)} was built against SvqVideo SDK {major}.x but this host runs SDK {SdkVersion.Current}; rebuild the plugin against SDK {SdkVersion.Major}");
        }

        return major;
    }

    private static List<(PluginEntry Entry, object Factory)> Discover(PluginLoader loader, string dll, int major)
    {
        Assembly assembly;
        Type[] types;
        try
        {
            assembly = loader.LoadDefaultAssembly();
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            var first = e.LoaderExceptions.FirstOrDefault(x => x is not null)?.Message ?? e.Message;
            throw new PluginLoadException($"{Path.GetFileName(dll)} could not be loaded: {first}", e);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException)
        {
            throw new PluginLoadException($"{Path.GetFileName(dll)} could not be loaded: {e.Message}", e);
        }

        string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
        string asmName = assembly.GetName().Name ?? Path.GetFileNameWithoutExtension(dll);
        var result = new List<(PluginEntry, object)>();
        foreach (var type in types.Where(t => t is { IsClass: true, IsAbstract: false } && !t.ContainsGenericParameters))
        {
            PluginKind? kind = typeof(IFramePredictorFactory).IsAssignableFrom(type) ? PluginKind.Predictor
                : typeof(IForecastModelFactory).IsAssignableFrom(type) ? PluginKind.Model
                : typeof(IQuantizerFactory).IsAssignableFrom(type) ? PluginKind.Quantizer
                : null;
            if (kind is null)
            {
                continue;
            }

            object factory;
            try
            {
                factory = Activator.CreateInstance(type, nonPublic: true)
                    ?? throw new PluginLoadException($"{Path.GetFileName(dll)}: cannot create {type.FullName}");
            }
            catch (MissingMethodException e)
            {
                throw new PluginLoadException($"{Path.GetFileName(dll)}: factory {type.FullName} needs a parameterless constructor", e);
            }
            catch (TargetInvocationException e)
            {
                throw new PluginLoadException($"{Path.GetFileName(dll)}: factory {type.FullName} failed to start: {e.InnerException?.Message ?? e.Message}", e);
            }

            AddFactory(result, factory, kind.Value, asmName, version, major, dll);

            // One class may implement several factory interfaces (e.g. a model that is also a predictor).
            if (kind == PluginKind.Predictor && factory is IForecastModelFactory)
            {
                AddFactory(result, factory, PluginKind.Model, asmName, version, major, dll);
            }

            if (kind != PluginKind.Quantizer && factory is IQuantizerFactory)
            {
                AddFactory(result, factory, PluginKind.Quantizer, asmName, version, major, dll);
            }
        }

        if (result.Count == 0)
        {
            throw new PluginLoadException($"{Path.GetFileName(dll)} is not an SvqVideo plugin: it has no IFramePredictorFactory, IForecastModelFactory or IQuantizerFactory");
        }

        return result;
    }

    private static void AddFactory(List<(PluginEntry, object)> list, object factory, PluginKind kind, string asmName, string version, int major, string dll)
    {
        (string name, string description) = factory switch
        {
            IFramePredictorFactory p when kind == PluginKind.Predictor => (p.Name, p.Description),
            IForecastModelFactory m when kind == PluginKind.Model => (m.Name, m.Description),
            IQuantizerFactory q when kind == PluginKind.Quantizer => (q.Name, q.Description),
            _ => throw new InvalidOperationException("factory kind mismatch"),
        };
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new PluginLoadException($"{Path.GetFileName(dll)}: a {kind.ToString().ToLowerInvariant()} factory has an empty name");
        }

        list.Add((new PluginEntry(name.ToLowerInvariant(), kind, description, asmName, version, major, dll), factory));
    }

    private void Register(LoadedPlugin plugin)
    {
        lock (_gate)
        {
            try
            {
                CheckDuplicates(plugin, _plugins);
            }
            catch (PluginLoadException)
            {
                plugin.Loader.Dispose();
                throw;
            }

            _plugins.Add(plugin);
        }
    }

    private static void CheckDuplicates(LoadedPlugin plugin, IEnumerable<LoadedPlugin> others)
    {
        var seen = new Dictionary<(PluginKind, string), PluginEntry>();
        foreach (var (entry, _) in plugin.Factories)
        {
            if (!seen.TryAdd((entry.Kind, entry.Name), entry))
            {
                throw new PluginLoadException($"{entry.Kind.ToString().ToLowerInvariant()} name '{entry.Name}' is claimed twice inside {entry.Path}");
            }
        }

        foreach (var other in others)
        {
            if (ReferenceEquals(other, plugin))
            {
                continue;
            }

            foreach (var (entry, _) in other.Factories)
            {
                if (seen.TryGetValue((entry.Kind, entry.Name), out var mine))
                {
                    throw new PluginLoadException($"two plugins claim the {entry.Kind.ToString().ToLowerInvariant()} name '{entry.Name}': {entry.Path} and {mine.Path}; remove one");
                }
            }
        }
    }

    private void OnPluginReloaded(LoadedPlugin plugin)
    {
        string asmName = Path.GetFileNameWithoutExtension(plugin.DllPath);
        List<(PluginEntry Entry, object Factory)> factories;
        string? error = null;
        try
        {
            int major = ReadCompatibleSdkMajor(plugin.DllPath);
            factories = Discover(plugin.Loader, plugin.DllPath, major);
            lock (_gate)
            {
                var old = plugin.Factories;
                plugin.Factories = factories;
                try
                {
                    CheckDuplicates(plugin, _plugins);
                }
                catch
                {
                    plugin.Factories = old;
                    throw;
                }
            }
        }
        catch (PluginLoadException e)
        {
            error = e.Message;
            lock (_gate)
            {
                plugin.Factories = [];
            }

            factories = [];
        }

        Reloaded?.Invoke(this, new PluginReloadedEventArgs(asmName, factories.Select(f => f.Entry).ToList(), error));
    }

    private void ReportReloadFailure(LoadedPlugin plugin, string message)
    {
        lock (_gate)
        {
            plugin.Factories = [];
        }

        Reloaded?.Invoke(this, new PluginReloadedEventArgs(Path.GetFileNameWithoutExtension(plugin.DllPath), [], $"{Path.GetFileName(plugin.DllPath)} could not be reloaded: {message}"));
    }

    private sealed class LoadedPlugin
    {
        private readonly PluginCatalog _owner;

        public LoadedPlugin(PluginCatalog owner, string dllPath, PluginLoader loader, int sdkMajor)
        {
            _owner = owner;
            DllPath = dllPath;
            Loader = loader;
            SdkMajor = sdkMajor;
        }

        public string DllPath { get; }

        public PluginLoader Loader { get; }

        public int SdkMajor { get; }

        public List<(PluginEntry Entry, object Factory)> Factories { get; set; } = [];

        public void OnReloaded(object sender, McMaster.NETCore.Plugins.PluginReloadedEventArgs eventArgs) => _owner.OnPluginReloaded(this);

        private FileSystemWatcher? _watcher;
        private Timer? _debounce;
        private TimeSpan _delay;

        public void StartWatching(TimeSpan delay)
        {
            _delay = delay;
            _debounce = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
            _watcher = new FileSystemWatcher(Path.GetDirectoryName(DllPath)!, "*.dll")
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            _watcher.Changed += OnFileEvent;
            _watcher.Created += OnFileEvent;
            _watcher.Renamed += OnFileEvent;
            _watcher.EnableRaisingEvents = true;
        }

        public void StopWatching()
        {
            _watcher?.Dispose();
            _debounce?.Dispose();
            _watcher = null;
            _debounce = null;
        }

        private void OnFileEvent(object sender, FileSystemEventArgs e) => _debounce?.Change(_delay, Timeout.InfiniteTimeSpan);

        private void Reload()
        {
            try
            {
                Loader.Reload();
            }
            catch (Exception e) when (e is IOException or BadImageFormatException or InvalidOperationException or ObjectDisposedException)
            {
                _owner.ReportReloadFailure(this, e.Message);
            }
        }
    }
}
