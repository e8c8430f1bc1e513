namespace SvqVideo.Cli.Tests;

public class SeparationCurveTests
{
    private static IReadOnlyList<(long Steps, double Loss)> Curve(params (long Steps, double Loss)[] points) => points;

    [Fact]
    public void EachPointIsThePairedDifferenceOverSeedsAtThatStepCount()
    {
        var points = SeparationCurve.Of(
        [
            (Curve((10, 1.0), (20, 0.5)), Curve((10, 1.1), (20, 0.7))),
            (Curve((10, 2.0), (20, 0.4)), Curve((10, 1.8), (20, 0.7))),
        ]);
        Assert.Equal([10L, 20L], points.Select(p => p.Steps));
        Assert.Equal(((1.0 - 1.1) + (2.0 - 1.8)) / 2, points[0].Difference.Mean, 12);
        Assert.Equal(((0.5 - 0.7) + (0.4 - 0.7)) / 2, points[1].Difference.Mean, 12);
        Assert.All(points, p => Assert.Equal(2, p.Difference.Pairs));
    }

    [Fact]
    public void OnlyStepCountsEveryRunWasValidatedAtArePoints()
    {
        var points = SeparationCurve.Of(
        [
            (Curve((10, 1.0), (20, 0.5), (30, 0.4)), Curve((10, 1.1), (20, 0.7), (30, 0.5))),
            (Curve((10, 2.0), (30, 0.4)), Curve((10, 1.8), (20, 0.7), (30, 0.6))),
        ]);
        Assert.Equal([10L, 30L], points.Select(p => p.Steps));
    }

    [Fact]
    public void SeparatedFromIsTheStartOfTheFinalRunOfSeparatedPointsOnTheSameSide()
    {
        // Three seeds; the arm is lower by about 0.1 from step 30 on (tight), mixed before, and higher at step 20.
        var arm = new[]
        {
            Curve((10, 1.00), (20, 0.90), (30, 0.60), (40, 0.50), (50, 0.45)),
            Curve((10, 1.20), (20, 0.91), (30, 0.61), (40, 0.51), (50, 0.44)),
            Curve((10, 0.90), (20, 0.92), (30, 0.59), (40, 0.49), (50, 0.46)),
        };
        var reference = new[]
        {
            Curve((10, 1.05), (20, 0.80), (30, 0.70), (40, 0.60), (50, 0.55)),
            Curve((10, 1.00), (20, 0.81), (30, 0.71), (40, 0.61), (50, 0.54)),
            Curve((10, 1.10), (20, 0.80), (30, 0.70), (40, 0.59), (50, 0.56)),
        };
        var points = SeparationCurve.Of([.. arm.Zip(reference, (a, r) => (a, r))]);
        Assert.False(points[0].Difference.Separated);
        Assert.True(points[1].Difference.Separated && points[1].Difference.Low > 0, "step 20: higher and separated");
        Assert.All(points.Skip(2), p => Assert.True(p.Difference.Separated && p.Difference.High < 0));
        Assert.Equal(30L, SeparationCurve.SeparatedFrom(points));
    }

    [Fact]
    public void NotSeparatedAtTheLastPointOrWithOneSeedGivesNull()
    {
        var crossing = SeparationCurve.Of(
        [
            (Curve((10, 0.5), (20, 0.5)), Curve((10, 0.7), (20, 0.4))),
            (Curve((10, 0.5), (20, 0.5)), Curve((10, 0.71), (20, 0.6))),
        ]);
        Assert.True(crossing[0].Difference.Separated);
        Assert.False(crossing[1].Difference.Separated);
        Assert.Null(SeparationCurve.SeparatedFrom(crossing));

        var single = SeparationCurve.Of([(Curve((10, 0.5)), Curve((10, 0.9)))]);
        Assert.Null(single[0].Difference.Low);
        Assert.Null(SeparationCurve.SeparatedFrom(single));
        Assert.Empty(SeparationCurve.Of([]));
        Assert.Null(SeparationCurve.SeparatedFrom([]));
    }
}
