namespace SvqVideo.Testing;

/// <summary>A fresh folder under the system temp folder, deleted (with everything in it) on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    /// <summary>Creates the folder, named <paramref name="prefix"/> plus a random suffix.</summary>
    public TempFolder(string prefix = "svq-test-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Creates a sub-folder (and its parents) and returns its path.</summary>
    public string CreateFolder(params string[] parts) => Directory.CreateDirectory(Combine(parts)).FullName;

    /// <summary>Deletes the folder; a file still held open elsewhere does not fail the test.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
