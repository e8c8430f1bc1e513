using System.Globalization;

namespace SvqVideo.Cli;

/// <summary>
/// The mean of paired differences (an arm minus the reference arm, seed by seed) with a two-sided 95 % confidence
/// interval from Student's t distribution (n − 1 degrees of freedom). With one pair there is no interval.
/// </summary>
internal sealed record PairedDifference(double Mean, double? Low, double? High, int Pairs)
{
    // Two-sided 95 % quantiles t(0.975, df) for df = 1..30; beyond 30 the normal 1.96 is within 2 %.
    private static readonly double[] T975 =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];

    /// <summary>True when the interval excludes zero (the arms differ at the 5 % level).</summary>
    public bool Separated => Low is double l && High is double h && (l > 0 || h < 0);

    public static PairedDifference Of(IReadOnlyList<double> differences)
    {
        ArgumentNullException.ThrowIfNull(differences);
        int n = differences.Count;
        if (n == 0)
        {
            return new PairedDifference(double.NaN, null, null, 0);
        }

        double mean = differences.Average();
        if (n == 1)
        {
            return new PairedDifference(mean, null, null, 1);
        }

        double sd = Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / (n - 1));
        double half = Quantile(n - 1) * sd / Math.Sqrt(n);
        return new PairedDifference(mean, mean - half, mean + half, n);
    }

    /// <summary>t(0.975, df).</summary>
    public static double Quantile(int degreesOfFreedom) =>
        degreesOfFreedom < 1 ? double.NaN : degreesOfFreedom <= T975.Length ? T975[degreesOfFreedom - 1] : 1.96;

    public string Format(string format) =>
        Pairs == 0 ? "-"
        : Low is double l && High is double h
            ? string.Create(CultureInfo.InvariantCulture, $"{Mean.ToString(format, CultureInfo.InvariantCulture)} [{l.ToString(format, CultureInfo.InvariantCulture)}, {h.ToString(format, CultureInfo.InvariantCulture)}]")
            : Mean.ToString(format, CultureInfo.InvariantCulture) + " (1 seed: no interval)";
}
