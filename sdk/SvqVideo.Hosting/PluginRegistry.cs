namespace SvqVideo.Hosting;

/// <summary>
/// The loaded plugins and their factories by kind and name, with the rule that no name is claimed twice.
/// Thread-safe: one lock guards the plugin list and every plugin's factory list, so lookups may run while a hot
/// reload swaps a plugin's factories.
/// </summary>
internal sealed class PluginRegistry
{
    private readonly object _gate = new();
    private readonly List<LoadedPlugin> _plugins = [];

    /// <summary>Every registered factory's entry, sorted by kind then name.</summary>
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

    /// <summary>The factory of <paramref name="kind"/> registered as <paramref name="name"/> (case-insensitive), or null.</summary>
    public T? Find<T>(string name, PluginKind kind)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            return _plugins.SelectMany(p => p.Factories)
                .FirstOrDefault(f => f.Entry.Kind == kind && string.Equals(f.Entry.Name, name, StringComparison.OrdinalIgnoreCase))?.Factory as T;
        }
    }

    /// <summary>Registers <paramref name="plugin"/>, or disposes it and throws when one of its names is taken.</summary>
    /// <exception cref="PluginLoadException">A name is claimed twice (the message names both files).</exception>
    public void Add(LoadedPlugin plugin)
    {
        lock (_gate)
        {
            try
            {
                CheckDuplicates(plugin, plugin.Factories);
            }
            catch (PluginLoadException)
            {
                plugin.Dispose();
                throw;
            }

            _plugins.Add(plugin);
        }
    }

    /// <summary>Swaps in a reloaded plugin's factories; on a name clash the plugin keeps none.</summary>
    /// <exception cref="PluginLoadException">A name is claimed twice.</exception>
    public void Replace(LoadedPlugin plugin, IReadOnlyList<PluginFactory> factories)
    {
        lock (_gate)
        {
            try
            {
                CheckDuplicates(plugin, factories);
                plugin.Factories = factories;
            }
            catch (PluginLoadException)
            {
                plugin.Factories = [];
                throw;
            }
        }
    }

    /// <summary>Withdraws every factory of <paramref name="plugin"/> (a failed reload).</summary>
    public void Withdraw(LoadedPlugin plugin)
    {
        lock (_gate)
        {
            plugin.Factories = [];
        }
    }

    /// <summary>Removes and returns every plugin, for disposal.</summary>
    public List<LoadedPlugin> RemoveAll()
    {
        lock (_gate)
        {
            var all = _plugins.ToList();
            _plugins.Clear();
            return all;
        }
    }

    /// <summary>Weak references to the load contexts, for unload tests.</summary>
    public IReadOnlyList<WeakReference> LoadContextReferences()
    {
        lock (_gate)
        {
            return _plugins.Select(p => new WeakReference(p.Loader.LoadContext)).ToList();
        }
    }

    private void CheckDuplicates(LoadedPlugin plugin, IReadOnlyList<PluginFactory> factories)
    {
        var seen = new Dictionary<(PluginKind, string), PluginEntry>();
        foreach (var (entry, _) in factories)
        {
            if (!seen.TryAdd((entry.Kind, entry.Name), entry))
            {
                throw new PluginLoadException($"{entry.Kind.ToString().ToLowerInvariant()} name '{entry.Name}' is claimed twice inside {entry.Path}");
            }
        }

        foreach (var (entry, _) in _plugins.Where(p => !ReferenceEquals(p, plugin)).SelectMany(p => p.Factories))
        {
            if (seen.TryGetValue((entry.Kind, entry.Name), out var mine))
            {
                throw new PluginLoadException($"two plugins claim the {entry.Kind.ToString().ToLowerInvariant()} name '{entry.Name}': {entry.Path} and {mine.Path}; remove one");
            }
        }
    }
}
