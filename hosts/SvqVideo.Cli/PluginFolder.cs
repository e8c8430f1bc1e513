using SvqVideo.Hosting;

namespace SvqVideo.Cli;

/// <summary>Finds the plugin folder: --plugins, $SVQVIDEO_PLUGINS, &lt;app&gt;/plugins, or the repository's artifacts/plugins.</summary>
internal static class PluginFolder
{
    public const string EnvironmentVariable = "SVQVIDEO_PLUGINS";

    /// <summary>
    /// Loads the catalog of the folder <see cref="Resolve"/> finds. A load failure (missing or empty folder, or in
    /// strict mode a bad plugin) gets the CLI's hint: how to pick another folder and how to build the bundled plugins.
    /// </summary>
    public static PluginCatalog Load(string? option, PluginCatalogOptions options)
    {
        try
        {
            return PluginCatalog.Load(Resolve(option), options);
        }
        catch (PluginLoadException e)
        {
            throw new CliException(ExitCodes.Plugin, $"{e.Message} (pick the plugin folder with --plugins <folder> or ${EnvironmentVariable}; scripts/setup.sh builds the bundled plugins into artifacts/plugins)", e);
        }
    }

    public static string Resolve(string? option)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            return Path.GetFullPath(option);
        }

        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env))
        {
            return Path.GetFullPath(env);
        }

        var beside = Path.Combine(AppContext.BaseDirectory, "plugins");
        if (Directory.Exists(beside))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "artifacts", "plugins");
            if (File.Exists(Path.Combine(dir.FullName, "SvqVideo.sln")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return beside;
    }
}
