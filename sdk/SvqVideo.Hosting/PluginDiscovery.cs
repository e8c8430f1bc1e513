using System.Reflection;
using McMaster.NETCore.Plugins;
using SvqVideo.Torch;

namespace SvqVideo.Hosting;

/// <summary>
/// Finds what a plugin folder offers: the plugin dlls laid out as <c>&lt;folder&gt;/&lt;Name&gt;/&lt;Name&gt;.dll</c>,
/// and, in a loaded plugin assembly, the concrete factory classes (predictor, model, quantizer) with their entries.
/// </summary>
internal static class PluginDiscovery
{
    /// <summary>The plugin dlls under <paramref name="folder"/> in name order; a sub-folder without its dll is reported and skipped.</summary>
    public static List<string> PluginFiles(string folder, Action<string> report)
    {
        var files = new List<string>();
        foreach (var dir in Directory.GetDirectories(folder).OrderBy(d => d, StringComparer.Ordinal))
        {
            string name = Path.GetFileName(dir);
            string dll = Path.Combine(dir, name + ".dll");
            if (File.Exists(dll))
            {
                files.Add(dll);
            }
            else
            {
                report($"{dir} holds no plugin: expected {name}.dll in it");
            }
        }

        return files;
    }

    /// <summary>Creates every factory the plugin's main assembly defines (public parameterless constructor; the class may be internal).</summary>
    /// <exception cref="PluginLoadException">The assembly cannot be loaded, a factory cannot be created or has no name, or there is no factory at all.</exception>
    public static List<PluginFactory> Factories(PluginLoader loader, string dll, int major)
    {
        var (assembly, types) = LoadTypes(loader, dll);
        string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
        string asmName = assembly.GetName().Name ?? Path.GetFileNameWithoutExtension(dll);
        var result = new List<PluginFactory>();
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

            var factory = Create(type, dll);
            result.Add(Entry(factory, kind.Value, asmName, version, major, dll));

            // One class may implement several factory interfaces (e.g. a model that is also a predictor).
            if (kind == PluginKind.Predictor && factory is IForecastModelFactory)
            {
                result.Add(Entry(factory, PluginKind.Model, asmName, version, major, dll));
            }

            if (kind != PluginKind.Quantizer && factory is IQuantizerFactory)
            {
                result.Add(Entry(factory, PluginKind.Quantizer, asmName, version, major, dll));
            }
        }

        return result.Count > 0
            ? result
            : throw new PluginLoadException($"{Path.GetFileName(dll)} is not an SvqVideo plugin: it has no IFramePredictorFactory, IForecastModelFactory or IQuantizerFactory");
    }

    private static (Assembly Assembly, Type[] Types) LoadTypes(PluginLoader loader, string dll)
    {
        try
        {
            var assembly = loader.LoadDefaultAssembly();
            return (assembly, assembly.GetTypes());
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
    }

    private static object Create(Type type, string dll)
    {
        try
        {
            return Activator.CreateInstance(type, nonPublic: true)
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
    }

    private static PluginFactory Entry(object factory, PluginKind kind, string asmName, string version, int major, string dll)
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

        return new PluginFactory(new PluginEntry(name.ToLowerInvariant(), kind, description, asmName, version, major, dll), factory);
    }
}
