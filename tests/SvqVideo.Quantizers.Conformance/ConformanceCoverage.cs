using System.Reflection;
using System.Runtime.Loader;
using SvqVideo.Torch;

namespace SvqVideo.Quantizers.Conformance;

/// <summary>
/// Finds quantizer factories that no conformance suite covers. Factories are found by reflection over
/// plugin assemblies, each loaded into its own collectible context that shares the SvqVideo SDK and
/// TorchSharp with the test process (as a host loads plugins); suites are the non-abstract classes deriving
/// from <see cref="QuantizerConformanceTests{TFactory}"/>. Types are matched by full name.
/// </summary>
public static class ConformanceCoverage
{
    /// <summary>Full names of every concrete <see cref="IQuantizerFactory"/> in the assemblies at <paramref name="assemblyPaths"/>.</summary>
    /// <exception cref="InvalidOperationException">An assembly could not be loaded or inspected (the message names it).</exception>
    public static IReadOnlyList<string> FactoryTypeNames(IEnumerable<string> assemblyPaths)
    {
        ArgumentNullException.ThrowIfNull(assemblyPaths);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in assemblyPaths)
        {
            names.UnionWith(Inspect(Path.GetFullPath(path)));
        }

        return [.. names];
    }

    /// <summary>Full names of the factory types that the concrete suites in <paramref name="testAssembly"/> cover.</summary>
    public static IReadOnlyList<string> CoveredFactoryTypeNames(Assembly testAssembly)
    {
        ArgumentNullException.ThrowIfNull(testAssembly);
        var covered = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in testAssembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            for (var t = type.BaseType; t is not null; t = t.BaseType)
            {
                if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(QuantizerConformanceTests<>))
                {
                    covered.Add(t.GetGenericArguments()[0].FullName!);
                    break;
                }
            }
        }

        return [.. covered];
    }

    /// <summary>The factories in <paramref name="factoryTypeNames"/> that no suite in <paramref name="testAssembly"/> covers.</summary>
    public static IReadOnlyList<string> FactoriesWithoutSuite(IEnumerable<string> factoryTypeNames, Assembly testAssembly)
    {
        var covered = CoveredFactoryTypeNames(testAssembly).ToHashSet(StringComparer.Ordinal);
        return [.. factoryTypeNames.Where(n => !covered.Contains(n)).Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Candidate plugin assemblies: every <c>SvqVideo.Plugins.*.dll</c> beside the test binary (the plugins the
    /// tests reference) and every laid-out plugin <c>artifacts/plugins/&lt;Name&gt;/&lt;Name&gt;.dll</c> under <paramref name="repositoryRoot"/>.
    /// </summary>
    public static IReadOnlyList<string> PluginAssemblies(string repositoryRoot)
    {
        var list = Directory.EnumerateFiles(AppContext.BaseDirectory, "SvqVideo.Plugins.*.dll").ToList();
        var laidOut = Path.Combine(repositoryRoot, "artifacts", "plugins");
        if (Directory.Exists(laidOut))
        {
            foreach (var dir in Directory.EnumerateDirectories(laidOut))
            {
                var main = Path.Combine(dir, Path.GetFileName(dir) + ".dll");
                if (File.Exists(main))
                {
                    list.Add(main);
                }
            }
        }

        return list;
    }

    private static List<string> Inspect(string path)
    {
        var context = new PluginInspectionContext(path);
        try
        {
            var assembly = context.LoadFromAssemblyPath(path);
            Type?[] types;
            try
            {
                types = assembly.GetTypes();
            }
            catch (ReflectionTypeLoadException e)
            {
                types = e.Types;
            }

            return [.. types
                .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IQuantizerFactory).IsAssignableFrom(t))
                .Select(t => t!.FullName!)];
        }
        catch (Exception e) when (e is FileLoadException or BadImageFormatException or FileNotFoundException)
        {
            throw new InvalidOperationException($"cannot inspect plugin assembly {path}: {e.Message}", e);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Loads one plugin with its private dependencies; SDK and TorchSharp come from the default context.</summary>
    private sealed class PluginInspectionContext(string mainAssemblyPath) : AssemblyLoadContext(isCollectible: true)
    {
        private readonly string _directory = Path.GetDirectoryName(mainAssemblyPath)!;

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            string name = assemblyName.Name ?? "";
            if (name.StartsWith("SvqVideo.Abstractions", StringComparison.Ordinal) || name.StartsWith("TorchSharp", StringComparison.Ordinal) || name.StartsWith("System", StringComparison.Ordinal))
            {
                return null;
            }

            var candidate = Path.Combine(_directory, name + ".dll");
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }
    }
}
