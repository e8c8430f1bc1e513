namespace SvqVideo.Datasets;

/// <summary>Positions [offset, offset + count) of a shared cache entry as one source (a KITTI recording); position p is numbered p.</summary>
internal sealed class SliceSource(string name, CachedFrames frames, int offset, int count) : IFrameSource
{
    public string Name { get; } = name;

    public int Count { get; } = count;

    public int FrameNumber(int position) => position;

    public void CopyFrame(int position, Span<byte> destination) => frames.Frame(offset + position).CopyTo(destination);

    // The entry is shared by every recording of the file; disposing it more than once is harmless.
    public void Dispose() => frames.Dispose();
}
