using System.IO.MemoryMappedFiles;

namespace SvqVideo.Datasets;

/// <summary>
/// Decoded frames of one source held in a read-only memory-mapped cache file: <see cref="Count"/>
/// frames of uint8 H×W×C. Reads are thread-safe; dispose when no reader needs the frames any more
/// (a rebuild of the same cache entry by another process does not disturb an open instance).
/// </summary>
public sealed unsafe class CachedFrames : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _dataOffset;
    private int _disposed;

    internal CachedFrames(string path, FrameFormat format, int count, long dataOffset)
    {
        Path = path;
        Format = format;
        Count = count;
        _dataOffset = dataOffset;
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* p = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            _base = p + _view.PointerOffset;
        }
        catch
        {
            _view?.Dispose();
            _file.Dispose();
            throw;
        }
    }

    /// <summary>The cache file.</summary>
    public string Path { get; }

    /// <summary>Shape and colour layout of every frame.</summary>
    public FrameFormat Format { get; }

    /// <summary>Number of frames.</summary>
    public int Count { get; }

    /// <summary>The bytes of frame <paramref name="index"/> (H×W×C); valid until this object is disposed.</summary>
    public ReadOnlySpan<byte> Frame(int index)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return new ReadOnlySpan<byte>(_base + _dataOffset + ((long)index * Format.FrameBytes), Format.FrameBytes);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
