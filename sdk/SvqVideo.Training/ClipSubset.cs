using SvqVideo.Datasets;

namespace SvqVideo.Training;

/// <summary>The first <see cref="Count"/> clips of another dataset (validation and evaluation limits). Thread-safe as the source.</summary>
internal sealed class ClipSubset(IClipDataset source, int count) : IClipDataset
{
    /// <summary>The source itself when <paramref name="limit"/> is 0 or covers it, else its first <paramref name="limit"/> clips.</summary>
    public static IClipDataset Of(IClipDataset source, int limit) =>
        limit <= 0 || limit >= source.Count ? source : new ClipSubset(source, limit);

    public string Name => $"{source.Name}[..{count}]";

    public int Count => count;

    public int FramesIn => source.FramesIn;

    public int FramesOut => source.FramesOut;

    public int Channels => source.Channels;

    public int Height => source.Height;

    public int Width => source.Width;

    public void CopyClip(int index, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        source.CopyClip(index, destination);
    }
}
