namespace SvqVideo.Datasets.Tests;

/// <summary>A tiny in-memory dataset whose clip i is filled with the value i, counting CopyClip calls.</summary>
internal sealed class CountingDataset(int count, int failAt = -1) : IClipDataset
{
    private int _reads;

    public string Name => "counting";

    public int Count { get; } = count;

    public int FramesIn => 2;

    public int FramesOut => 1;

    public int Channels => 1;

    public int Height => 4;

    public int Width => 4;

    public int Reads => Volatile.Read(ref _reads);

    public void CopyClip(int index, Span<float> destination)
    {
        Interlocked.Increment(ref _reads);
        if (index == failAt)
        {
            throw new DatasetException($"clip {index} is broken", "counting");
        }

        destination[..(3 * 4 * 4)].Fill(index);
    }
}
