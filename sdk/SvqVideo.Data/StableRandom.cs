namespace SvqVideo.Datasets;

/// <summary>
/// SplitMix64: a tiny generator whose sequence is fixed by this code alone (System.Random's seeded
/// sequence is not a documented contract), so generated data and shuffles stay reproducible across
/// .NET versions. Not thread-safe; create one per use.
/// </summary>
internal struct StableRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A generator for stream <paramref name="b"/> of seed <paramref name="a"/> (e.g. seed and clip index).</summary>
    public static StableRandom For(long a, long b, long c = 0)
    {
        var r = new StableRandom((ulong)a);
        ulong s = r.NextUInt64() ^ Mix((ulong)b + 0x632BE59BD9B4E019UL) ^ Mix((ulong)c + 0x8CB92BA72F3D8DD7UL);
        return new StableRandom(s);
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n), without modulo bias.</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ulong limit = ulong.MaxValue - (ulong.MaxValue % (ulong)n);
        ulong x;
        do
        {
            x = NextUInt64();
        }
        while (x >= limit);
        return (int)(x % (ulong)n);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
