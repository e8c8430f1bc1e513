namespace SvqVideo.Sdk.Tests;

public sealed class MotionForecastTests
{
    private static FrameClip Frames(int t) => new(new float[t * 3 * 4 * 5], t, 3, 4, 5);

    [Fact]
    public void FramesAloneHaveNoMotion()
    {
        var m = new MotionForecast(Frames(2));
        Assert.False(m.HasMotion);
        Assert.Equal(0, m.Flow.Length);
        Assert.Empty(m.Sources);
    }

    [Fact]
    public void FlowAndSourcesAreKept()
    {
        var flow = Enumerable.Range(0, 3 * 2 * 4 * 5).Select(i => (float)i).ToArray();
        var m = new MotionForecast(Frames(3), flow, [-1, -1, 1]);
        Assert.True(m.HasMotion);
        Assert.Equal(flow, m.Flow.ToArray());
        Assert.Equal([-1, -1, 1], m.Sources);
    }

    [Theory]
    [InlineData(3 * 2 * 4 * 5 - 1, new[] { -1, -1, -1 }, "flow has")]
    [InlineData(3 * 2 * 4 * 5, new[] { -1, -1 }, "2 sources for 3")]
    [InlineData(3 * 2 * 4 * 5, new[] { -1, 1, -1 }, "forecast frame 1's source 1")]
    [InlineData(3 * 2 * 4 * 5, new[] { -2, -1, -1 }, "forecast frame 0's source -2")]
    public void InconsistentMotionIsRefused(int flowLength, int[] sources, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new MotionForecast(Frames(3), new float[flowLength], sources));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
