using SvqVideo.Datasets;

namespace SvqVideo.Cli;

/// <summary>
/// A dataset whose context frames carry the paper's input corruption (Table 5): in every clip, round(η·n) of the
/// n context values, chosen uniformly without replacement, are multiplied by independent U(−2, 2) factors.
/// Target frames are untouched. Deterministic: clip i is corrupted the same way on every read for a given seed.
/// The corrupted values may leave [0, 1], as the training-time corruption does.
/// </summary>
internal sealed class NoisyContextClips : IClipDataset
{
    private readonly IClipDataset _inner;
    private readonly double _fraction;
    private readonly int _seed;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is outside [0, 1).</exception>
    public NoisyContextClips(IClipDataset inner, double fraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(fraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(fraction, 1.0);
        _inner = inner;
        _fraction = fraction;
        _seed = seed;
    }

    public string Name => $"{_inner.Name} (noise {_fraction:G3} on inputs)";

    public int Count => _inner.Count;

    public int FramesIn => _inner.FramesIn;

    public int FramesOut => _inner.FramesOut;

    public int Channels => _inner.Channels;

    public int Height => _inner.Height;

    public int Width => _inner.Width;

    public void CopyClip(int index, Span<float> destination)
    {
        _inner.CopyClip(index, destination);
        int n = FramesIn * Channels * Height * Width;
        int chosen = (int)Math.Round(_fraction * n);
        if (chosen == 0)
        {
            return;
        }

        var random = new Random(unchecked((_seed * 1_000_003) + index));
        var positions = new int[n];
        for (int i = 0; i < n; i++)
        {
            positions[i] = i;
        }

        // Partial Fisher–Yates: the first `chosen` slots become a uniform sample without replacement.
        for (int i = 0; i < chosen; i++)
        {
            int j = random.Next(i, n);
            (positions[i], positions[j]) = (positions[j], positions[i]);
            destination[positions[i]] *= (float)((random.NextDouble() * 4) - 2);
        }
    }
}
