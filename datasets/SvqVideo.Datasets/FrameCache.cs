using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace SvqVideo.Datasets;

/// <summary>
/// Decodes a source once and keeps its frames as uint8 in a memory-mapped file under a cache folder
/// (never inside the user's data folder). An entry is keyed by the source paths, the decoding recipe
/// and the frame format; it is rebuilt when any source's size or modification time changes. Entries
/// are written to a temporary file and renamed into place, so concurrent readers and builders (also
/// in other processes) only ever see complete entries. Instances are thread-safe.
/// </summary>
public sealed class FrameCache
{
    private const int HeaderBytes = 64;
    private const int Version = 1;
    private static readonly byte[] Magic = "SVQFRM01"u8.ToArray();
    private static readonly ConcurrentDictionary<string, object> BuildLocks = new(StringComparer.Ordinal);

    /// <summary>Uses <paramref name="directory"/> (created on first use), or <see cref="DefaultDirectory"/> when null.</summary>
    public FrameCache(string? directory = null)
    {
        Directory = System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(directory) ? DefaultDirectory : directory);
    }

    /// <summary>The cache folder.</summary>
    public string Directory { get; }

    /// <summary><c>$XDG_CACHE_HOME/svqvideo/frames</c>, or <c>~/.cache/svqvideo/frames</c> when XDG_CACHE_HOME is unset.</summary>
    public static string DefaultDirectory
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string root = !string.IsNullOrWhiteSpace(xdg) && System.IO.Path.IsPathRooted(xdg)
                ? xdg
                : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return System.IO.Path.Combine(root, "svqvideo", "frames");
        }
    }

    /// <summary>Throws when the cache folder lies inside <paramref name="dataRoot"/>, whose contents must never be modified.</summary>
    /// <exception cref="DatasetException">The cache folder is inside the data folder.</exception>
    public void EnsureOutside(string dataRoot)
    {
        string root = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(dataRoot));
        string dir = System.IO.Path.TrimEndingDirectorySeparator(Directory);
        if (dir == root || dir.StartsWith(root + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new DatasetException($"frame cache folder {Directory} is inside the data folder {root}; choose a cache folder elsewhere (data folders are never written to)", Directory);
        }
    }

    /// <summary>
    /// Returns the cached frames for <paramref name="sources"/> decoded by <paramref name="decode"/>
    /// under <paramref name="recipe"/> (a text naming every decoding choice beyond the format, e.g.
    /// "every 3rd frame"), building the entry when it is missing, incomplete or stale.
    /// </summary>
    /// <exception cref="DatasetException">A source file is missing.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The opened cache is returned to the caller, who owns it.")]
    public CachedFrames GetOrAdd(IReadOnlyList<string> sources, string recipe, FrameFormat format, Action<CacheWriter> decode)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(decode);
        var full = sources.Select(System.IO.Path.GetFullPath).ToArray();
        string key = Hash($"{recipe}\n{format}\n{string.Join('\n', full)}");
        byte[] fingerprint = Fingerprint(full, recipe, format);
        string path = System.IO.Path.Combine(Directory, key[..32] + ".frames");

        var cached = TryOpen(path, format, fingerprint);
        if (cached is not null)
        {
            return cached;
        }

        lock (BuildLocks.GetOrAdd(path, _ => new object()))
        {
            cached = TryOpen(path, format, fingerprint);
            if (cached is not null)
            {
                return cached;
            }

            Build(path, format, fingerprint, decode);
            return TryOpen(path, format, fingerprint)
                ?? throw new IOException($"frame cache entry {path} was written but cannot be read back; check the disk or delete the cache folder {Directory}");
        }
    }

    private static CachedFrames? TryOpen(string path, FrameFormat format, byte[] fingerprint)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        long length;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            length = stream.Length;
            if (length < HeaderBytes || stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) < HeaderBytes)
            {
                return null;
            }
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        if (!header[..8].SequenceEqual(Magic)
            || BinaryPrimitives.ReadInt32LittleEndian(header[8..]) != Version
            || BinaryPrimitives.ReadInt32LittleEndian(header[12..]) != format.Height
            || BinaryPrimitives.ReadInt32LittleEndian(header[16..]) != format.Width
            || BinaryPrimitives.ReadInt32LittleEndian(header[20..]) != format.Channels
            || !header.Slice(28, 32).SequenceEqual(fingerprint))
        {
            return null;
        }

        int count = BinaryPrimitives.ReadInt32LittleEndian(header[24..]);
        if (count < 0 || length != HeaderBytes + ((long)count * format.FrameBytes))
        {
            return null;
        }

        return new CachedFrames(path, format, count, HeaderBytes);
    }

    private void Build(string path, FrameFormat format, byte[] fingerprint, Action<CacheWriter> decode)
    {
        System.IO.Directory.CreateDirectory(Directory);
        string tmp = System.IO.Path.Combine(Directory, $".{System.IO.Path.GetFileNameWithoutExtension(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20))
            {
                var header = new byte[HeaderBytes];
                stream.Write(header);
                var writer = new CacheWriter(stream, format);
                decode(writer);
                Magic.CopyTo(header, 0);
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), Version);
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), format.Height);
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), format.Width);
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(20), format.Channels);
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(24), writer.Count);
                fingerprint.CopyTo(header, 28);
                stream.Position = 0;
                stream.Write(header);
                stream.Flush(flushToDisk: true);
            }

            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(tmp);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            throw;
        }
    }

    private static byte[] Fingerprint(string[] sources, string recipe, FrameFormat format)
    {
        var text = new StringBuilder().Append(recipe).Append('\n').Append(format).Append('\n');
        foreach (var s in sources)
        {
            var info = new FileInfo(s);
            if (!info.Exists)
            {
                throw new DatasetException($"source file not found: {s}; check the path", s);
            }

            text.Append(s).Append('|').Append(info.Length).Append('|').Append(info.LastWriteTimeUtc.Ticks).Append('\n');
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
