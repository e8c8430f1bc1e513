using SvqVideo.Datasets;

namespace SvqVideo.Cli.Tests;

/// <summary>A forecast made at the model's size written at the video's own size (<see cref="FullResolution"/>).</summary>
public sealed class FullResolutionTests
{
    private const int W = 16, H = 12, SmallW = 8, SmallH = 6;

    [Fact]
    public void WithoutChangeTheOutputIsTheFullSizeLastFrameExactly()
    {
        var (native, small) = Context();
        var forecast = Repeat(small.Frame(small.Frames - 1).ToArray(), 3, SmallH, SmallW);

        var output = FullResolution.Forecast(small, native, forecast);

        var last = native.Frame(native.Frames - 1).ToArray();
        for (int t = 0; t < 3; t++)
        {
            Assert.Equal(last, output.Frame(t).ToArray());
        }
    }

    [Fact]
    public void AZeroFlowGivesTheFrameDifferenceRule()
    {
        var (native, small) = Context();
        var rng = new Random(3);
        var frames = new FrameClip([.. Enumerable.Range(0, 2 * SmallH * SmallW).Select(_ => (float)rng.NextDouble())], 2, 1, SmallH, SmallW);
        var motion = new MotionForecast(frames, new float[2 * 2 * SmallH * SmallW], [-1, -1]);

        var moved = FullResolution.Forecast(small, native, motion);
        var plain = FullResolution.Forecast(small, native, frames);

        AssertClose(plain.Data.ToArray(), moved.Data.ToArray(), 1e-5f);
    }

    [Fact]
    public void AUniformFlowMovesTheFullSizeFrameAndKeepsItsDetail()
    {
        var (native, small) = Context();
        var smallLast = small.Frame(small.Frames - 1).ToArray();
        // The model moved its small last frame one pixel (content to the left): each pixel reads its right neighbour.
        var forecast = new FrameClip(Shift(smallLast, SmallH, SmallW, 1), 1, 1, SmallH, SmallW);
        var flow = Flow(1, dx: 1f);

        var output = FullResolution.Forecast(small, native, new MotionForecast(forecast, flow, [-1]));

        // One small pixel is two full-size pixels: the full-size last frame moved by two, its detail intact.
        var expected = Shift(native.Frame(native.Frames - 1).ToArray(), H, W, 2);
        AssertClose(expected, output.Frame(0).ToArray(), 1e-4f);

        // The frame-difference rule, given the same small forecast, blurs what moved.
        var blurred = FullResolution.Forecast(small, native, forecast);
        Assert.True(MaxAbs(expected, blurred.Frame(0).ToArray()) > 0.05f, "the frame-difference rule already kept the detail; the test shows nothing");
    }

    [Fact]
    public void ALaterPassMovesTheFullSizeFrameTheEarlierOneMade()
    {
        var (native, small) = Context();
        var step1 = Shift(small.Frame(small.Frames - 1).ToArray(), SmallH, SmallW, 1);
        var step2 = Shift(step1, SmallH, SmallW, 1);
        var forecast = new FrameClip([.. step1, .. step2], 2, 1, SmallH, SmallW);

        var output = FullResolution.Forecast(small, native, new MotionForecast(forecast, Flow(2, dx: 1f), [-1, 0]));

        var last = native.Frame(native.Frames - 1).ToArray();
        AssertClose(Shift(last, H, W, 2), output.Frame(0).ToArray(), 1e-4f);
        AssertClose(Shift(Shift(last, H, W, 2), H, W, 2), output.Frame(1).ToArray(), 1e-4f);
    }

    /// <summary>Two context frames of sharp random detail at the full size, and the same resized to the model's size.</summary>
    private static (FrameClip Native, FrameClip Small) Context()
    {
        var rng = new Random(11);
        var native = new FrameClip([.. Enumerable.Range(0, 2 * H * W).Select(_ => (float)rng.NextDouble())], 2, 1, H, W);
        return (native, FrameResize.To(native, SmallW, SmallH));
    }

    private static FrameClip Repeat(float[] frame, int frames, int h, int w) =>
        new([.. Enumerable.Range(0, frames).SelectMany(_ => frame)], frames, 1, h, w);

    /// <summary>Each pixel takes the value <paramref name="by"/> pixels to its right, the last column repeated.</summary>
    private static float[] Shift(float[] frame, int h, int w, int by)
    {
        var result = new float[frame.Length];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                result[(y * w) + x] = frame[(y * w) + Math.Min(w - 1, x + by)];
            }
        }

        return result;
    }

    private static float[] Flow(int frames, float dx)
    {
        var flow = new float[frames * 2 * SmallH * SmallW];
        for (int t = 0; t < frames; t++)
        {
            Array.Fill(flow, dx, t * 2 * SmallH * SmallW, SmallH * SmallW);
        }

        return flow;
    }

    private static float MaxAbs(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    private static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = MaxAbs(expected, actual);
        Assert.True(worst <= tolerance, $"largest difference {worst} > {tolerance}");
    }
}
