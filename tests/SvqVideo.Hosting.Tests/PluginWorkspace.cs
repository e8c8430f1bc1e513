using SvqVideo.Testing;

namespace SvqVideo.Hosting.Tests;

/// <summary>A temporary plugin folder assembled from the separately built test plugins.</summary>
internal sealed class PluginWorkspace : IDisposable
{
    private readonly TempFolder _folder = new("svq-plugins-");

    public string Root => _folder.Path;

    public static string Built(string variant, string assemblyName) =>
        Path.Combine(Fixtures.RepositoryRoot, "artifacts", "test-plugins", variant, assemblyName);

    /// <summary>Copies a built plugin folder into the workspace as &lt;Root&gt;/&lt;Name&gt;/.</summary>
    public string Add(string variant, string assemblyName, string? folderName = null)
    {
        string source = Built(variant, assemblyName);
        if (!Directory.Exists(source))
        {
            throw new InvalidOperationException($"test plugin not built: {source}");
        }

        string target = Path.Combine(Root, folderName ?? assemblyName);
        Directory.CreateDirectory(target);
        foreach (var f in Directory.GetFiles(source))
        {
            File.Copy(f, Path.Combine(target, Path.GetFileName(f)), overwrite: true);
        }

        return target;
    }

    /// <summary>Replaces a plugin's dll the safe way: copy beside it, then rename over it.</summary>
    public void Replace(string variant, string assemblyName)
    {
        string dll = assemblyName + ".dll";
        string source = Path.Combine(Built(variant, assemblyName), dll);
        string target = Path.Combine(Root, assemblyName, dll);
        string staging = Path.Combine(Root, assemblyName + ".staging");
        File.Copy(source, staging, overwrite: true);
        File.Move(staging, target, overwrite: true);
    }

    public void Dispose() => _folder.Dispose();
}
