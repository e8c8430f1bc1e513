using System.Diagnostics;

namespace SvqVideo.Bench;

/// <summary>Warm-up, then timed repetitions of one action; the median is what the tables report.</summary>
internal static class Timing
{
    /// <summary>Runs <paramref name="action"/> <paramref name="warmup"/> times untimed, then <paramref name="repeats"/> times; returns each repetition's seconds.</summary>
    public static Samples Measure(int warmup, int repeats, Action action)
    {
        for (int i = 0; i < warmup; i++)
        {
            action();
        }

        var seconds = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            seconds[i] = Seconds(action);
        }

        return new Samples(seconds);
    }

    /// <summary>Wall seconds of one run of <paramref name="action"/>.</summary>
    public static double Seconds(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
