namespace SvqVideo.Cli;

/// <summary>
/// How long an A/B run must be before two arms differ: the paired difference (arm − reference, seed by seed) of the
/// validation loss at every training length where each run of every pair was validated, with its 95 % t interval
/// (<see cref="PairedDifference"/>). Runs of an <c>ab</c> share their validation schedule, so every pair has the same points.
/// </summary>
internal static class SeparationCurve
{
    /// <summary>The paired difference after <see cref="Steps"/> optimiser steps.</summary>
    internal sealed record Point(long Steps, PairedDifference Difference);

    /// <summary>
    /// One point per step count at which every pair has both validation losses, in step order; empty without pairs.
    /// Each pair is (the arm's curve, the reference's curve) of one seed, as (optimiser steps, validation loss).
    /// </summary>
    public static IReadOnlyList<Point> Of(IReadOnlyList<(IReadOnlyList<(long Steps, double Loss)> Arm, IReadOnlyList<(long Steps, double Loss)> Reference)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0)
        {
            return [];
        }

        var maps = pairs.Select(p => (Arm: ToMap(p.Arm), Reference: ToMap(p.Reference))).ToList();
        var steps = maps.Select(m => m.Arm.Keys.Intersect(m.Reference.Keys)).Aggregate((a, b) => a.Intersect(b)).Order().ToList();
        return [.. steps.Select(s => new Point(s, PairedDifference.Of([.. maps.Select(m => m.Arm[s] - m.Reference[s])])))];
    }

    /// <summary>
    /// The fewest steps from which the arms stay separated: the first point after which every point's interval excludes
    /// 0 on the same side as the last point's; null when the last point is not separated (or there is none).
    /// </summary>
    public static long? SeparatedFrom(IReadOnlyList<Point> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0 || !points[^1].Difference.Separated)
        {
            return null;
        }

        bool below = points[^1].Difference.High < 0;
        int first = points.Count - 1;
        while (first > 0 && points[first - 1].Difference.Separated && (points[first - 1].Difference.High < 0) == below)
        {
            first--;
        }

        return points[first].Steps;
    }

    private static Dictionary<long, double> ToMap(IReadOnlyList<(long Steps, double Loss)> curve)
    {
        var map = new Dictionary<long, double>();
        foreach (var (steps, loss) in curve)
        {
            map[steps] = loss;
        }

        return map;
    }
}
