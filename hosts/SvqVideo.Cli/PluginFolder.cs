namespace SvqVideo.Cli;

/// <summary>Finds the plugin folder: --plugins, $SVQVIDEO_PLUGINS, &lt;app&gt;/plugins, or the repository's artifacts/plugins.</summary>
internal static class PluginFolder
{
    public const string EnvironmentVariable = "SVQVIDEO_PLUGINS";

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
