using SvqVideo.Datasets;

namespace SvqVideo.Training.Tests.StandIns;

/// <summary>
/// Another dataset's clips, except that clip <paramref name="poisoned"/> holds a NaN from its
/// <paramref name="fromRead"/>-th read on (1 = always). The loader reads every clip once per epoch, so
/// <c>fromRead = 2</c> poisons it from the second epoch on. Thread-safe.
/// </summary>
internal sealed class PoisonedClips(IClipDataset inner, int poisoned, int fromRead = 1) : IClipDataset
{
    private int _reads;

    public string Name => inner.Name + "+nan";

    public int Count => inner.Count;

    public int FramesIn => inner.FramesIn;

    public int FramesOut => inner.FramesOut;

    public int Channels => inner.Channels;

    public int Height => inner.Height;

    public int Width => inner.Width;

    public void CopyClip(int index, Span<float> destination)
    {
        inner.CopyClip(index, destination);
        if (index == poisoned && Interlocked.Increment(ref _reads) >= fromRead)
        {
            destination[destination.Length / 3] = float.NaN;
        }
    }
}
