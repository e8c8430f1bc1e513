namespace SvqVideo.Torch;

/// <summary>
/// Writes files so that readers only ever see the old file or the complete new one: the content
/// goes to a temporary file in the target folder (keeping the extension last, since some writers
/// choose the container from it), is flushed to disk, and is then renamed over the target.
/// </summary>
public static class AtomicFile
{
    /// <summary>A fresh temporary path beside <paramref name="path"/> that keeps its extension, e.g. <c>out.3f2a.tmp.mp4</c>.</summary>
    public static string TempPathFor(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        string name = Path.GetFileNameWithoutExtension(full);
        string ext = Path.GetExtension(full);
        return Path.Combine(dir, $".{name}.{Guid.NewGuid():N}.tmp{ext}");
    }

    /// <summary>
    /// Runs <paramref name="write"/> on a temporary file and renames it to <paramref name="path"/>
    /// when it returns; on any exception the temporary file is deleted and the target is untouched.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The target folder does not exist.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Commit(path, tmp =>
        {
            using var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
            write(stream);
            stream.Flush(flushToDisk: true);
        });
    }

    /// <summary>
    /// Runs <paramref name="produce"/> with a temporary path (which it must create and close), then
    /// renames that file to <paramref name="path"/>; on any exception the temporary file is deleted.
    /// </summary>
    public static void Commit(string path, Action<string> produce)
    {
        ArgumentNullException.ThrowIfNull(produce);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"folder does not exist: {dir}");
        }

        string tmp = TempPathFor(full);
        try
        {
            produce(tmp);
            if (!File.Exists(tmp))
            {
                throw new IOException($"nothing was written for {full}");
            }

            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
