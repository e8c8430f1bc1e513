using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Sdk.Tests;

public sealed class FlowSamplingTests
{
    [Fact]
    public void AWholePixelFlowReadsTheNeighbourAndRepeatsTheEdge()
    {
        using var scope = NewDisposeScope();
        const int h = 4, w = 6;
        var frame = arange(h * w, dtype: float32).reshape(1, 1, h, w);
        var flow = stack([full(h, w, -1f), full(h, w, 1f)]).unsqueeze(0); // x −1, y +1

        var moved = FlowSampling.Warp(frame, flow);

        // Pixel (y, x) reads (y + 1, x − 1), clamped to the frame.
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                float expected = (Math.Min(h - 1, y + 1) * w) + Math.Max(0, x - 1);
                Assert.Equal(expected, moved[0, 0, y, x].item<float>(), 4);
            }
        }
    }

    [Fact]
    public void AFlowOfTheWrongShapeIsRefused()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => FlowSampling.Warp(zeros(1, 3, 4, 6), zeros(1, 2, 4, 5)));
        Assert.Contains("must be (N, 2, H, W)", e.Message, StringComparison.Ordinal);
    }
}
