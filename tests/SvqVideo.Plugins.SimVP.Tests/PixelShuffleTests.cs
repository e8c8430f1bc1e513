using SvqVideo.Testing;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Tests;

/// <summary>The decoder's <see cref="PixelShuffle2d"/> is libtorch's pixel_shuffle, value for value and gradient for gradient.</summary>
public sealed class PixelShuffleTests
{
    [Theory]
    [InlineData(2, 3, 8, 5, 7)]
    [InlineData(2, 1, 4, 1, 1)]
    [InlineData(3, 2, 18, 4, 6)]
    public void MatchesLibtorchPixelShuffle(int factor, int n, int channels, int h, int w)
    {
        using var scope = NewDisposeScope();
        manual_seed(factor * 100 + channels);
        var x = randn(n, channels, h, w);
        using var shuffle = new PixelShuffle2d(factor);

        var ours = shuffle.forward(x);
        var reference = nn.functional.pixel_shuffle(x, factor);
        TensorAssert.Close(reference, ours, 0, 0, "pixel shuffle output");

        var upstream = randn_like(reference);
        var a = x.clone().requires_grad_(true);
        var b = x.clone().requires_grad_(true);
        (shuffle.forward(a) * upstream).sum().backward();
        (nn.functional.pixel_shuffle(b, factor) * upstream).sum().backward();
        TensorAssert.Close(b.grad!, a.grad!, 0, 0, "pixel shuffle input gradient");
    }

    [Fact]
    public void RejectsChannelsNotDivisibleBySquaredFactor()
    {
        using var shuffle = new PixelShuffle2d(2);
        using var x = zeros(1, 6, 2, 2);
        var e = Assert.Throws<ArgumentException>(() => shuffle.forward(x));
        Assert.Contains("pixel shuffle by 2", e.Message, StringComparison.Ordinal);
    }
}
