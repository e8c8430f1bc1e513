using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Sdk.Tests;

public sealed class MotionEstimationTests
{
    /// <summary>A smooth texture (a sum of sines) whose value at any real position is known, so a sub-pixel shift is exact.</summary>
    private static Tensor Texture(int h, int w, double dx, double dy, int channels = 3)
    {
        var data = new float[channels * h * w];
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    double u = x - dx, v = y - dy;
                    data[(((c * h) + y) * w) + x] = (float)(0.5 + (0.2 * Math.Sin((0.45 * u) + (0.2 * v) + c)) + (0.15 * Math.Cos((0.3 * v) - (0.25 * u))) + (0.1 * Math.Sin(0.7 * (u + v))));
                }
            }
        }

        return tensor(data).reshape(1, channels, h, w);
    }

    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(-0.6, 1.3)]
    [InlineData(2.5, -2.0)]
    public void ItFindsAUniformShiftOfATexture(double dx, double dy)
    {
        using var scope = NewDisposeScope();
        const int h = 48, w = 64;
        var earlier = Texture(h, w, 0, 0);
        var later = Texture(h, w, dx, dy); // the content moved by (dx, dy): each pixel of later was at (x − dx, y − dy)

        var flow = MotionEstimation.Estimate(earlier, later);

        Assert.Equal(new long[] { 1, 2, h, w }, flow.shape);
        // Away from the edges (where the frame's content is new), the estimate is the shift back.
        var inner = flow.narrow(2, 8, h - 16).narrow(3, 8, w - 16);
        Assert.Equal(-dx, inner.select(1, 0).mean().item<float>(), 1);
        Assert.Equal(-dy, inner.select(1, 1).mean().item<float>(), 1);
        float offX = (inner.select(1, 0) + dx).abs().max().item<float>(), offY = (inner.select(1, 1) + dy).abs().max().item<float>();
        Assert.True(offX < 0.4 && offY < 0.4, $"the estimate is off by up to {offX} (x) and {offY} (y) pixels inside");
    }

    [Fact]
    public void MovingTheEarlierFrameAlongTheEstimateGivesTheLaterOne()
    {
        using var scope = NewDisposeScope();
        var earlier = Texture(40, 40, 0, 0, channels: 1);
        var later = Texture(40, 40, 1.7, 0.8, channels: 1);
        var flow = MotionEstimation.Estimate(earlier, later);
        double before = (earlier - later).abs().mean().item<float>();
        double after = (FlowSampling.Warp(earlier, flow) - later).narrow(2, 4, 32).narrow(3, 4, 32).abs().mean().item<float>();
        Assert.True(after < before / 10, $"moved along the estimate the mean error is {after}, against {before} without moving");
    }

    [Fact]
    public void StillAndFlatFramesGiveNoMotion()
    {
        using var scope = NewDisposeScope();
        var texture = Texture(32, 32, 0, 0);
        Assert.Equal(0f, MotionEstimation.Estimate(texture, texture).abs().max().item<float>());
        // A flat frame has no gradients to move (only the sampling grid's float rounding leaves a trace).
        var flat = full(2, 3, 32, 32, 0.4f);
        Assert.True(MotionEstimation.Estimate(flat, flat * 1.1f).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void ItNeedsNoGradientAndLeavesItsInputsAlone()
    {
        using var scope = NewDisposeScope();
        var earlier = Texture(32, 32, 0, 0).requires_grad_();
        var later = Texture(32, 32, 1, 0);
        var flow = MotionEstimation.Estimate(earlier, later);
        Assert.False(flow.requires_grad);
        Assert.Null(earlier.grad);
    }

    [Theory]
    [InlineData(64, 64, 3)]
    [InlineData(40, 64, 2)]
    [InlineData(16, 16, 1)]
    [InlineData(8, 8, 1)]
    public void SmallFramesGetFewerLevels(int h, int w, int levels) => Assert.Equal(levels, MotionEstimation.LevelCount(h, w));

    [Fact]
    public void CarryingMotionOnGivesStepKTimesTheMotion()
    {
        using var scope = NewDisposeScope();
        var motion = randn(2, 2, 5, 7);
        var steps = MotionEstimation.CarriedOn(motion, 4);
        Assert.Equal(new long[] { 2, 4, 2, 5, 7 }, steps.shape);
        for (int k = 1; k <= 4; k++)
        {
            Assert.Equal(0f, (steps.select(1, k - 1) - (motion * k)).abs().max().item<float>());
        }
    }

    [Fact]
    public void FramesOfDifferentShapesAreRefused()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => MotionEstimation.Estimate(zeros(1, 3, 8, 8), zeros(1, 3, 8, 9)));
        Assert.Contains("of one shape", e.Message, StringComparison.Ordinal);
    }
}
