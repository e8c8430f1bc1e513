namespace SvqVideo.Bench;

/// <summary>Timed repetitions in seconds.</summary>
internal sealed record Samples(IReadOnlyList<double> Seconds)
{
    /// <summary>Median seconds (mean of the middle two for an even count).</summary>
    public double Median
    {
        get
        {
            var sorted = Seconds.Order().ToArray();
            int n = sorted.Length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
        }
    }

    /// <summary>Fastest repetition in seconds.</summary>
    public double Min => Seconds.Min();
}
