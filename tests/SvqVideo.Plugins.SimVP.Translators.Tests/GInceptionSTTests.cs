using SvqVideo.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

public sealed class GInceptionSTTests
{
    [Fact]
    public void GroupsFallBackToOneWhenTheHiddenWidthIsNotDivisible()
    {
        using var fallback = new GInceptionST(20, 12, 24, [3, 5, 7, 11], 8);
        using var grouped = new GInceptionST(32, 16, 32, [3, 5, 7, 11], 8);
        Assert.Equal(1, fallback.Groups);
        Assert.Equal(8, grouped.Groups);
        Assert.Equal([24, 12, 11, 11], fallback.state_dict()["layers.3.conv.weight"].shape);
        Assert.Equal([32, 2, 3, 3], grouped.state_dict()["layers.0.conv.weight"].shape);
    }

    [Fact]
    public void EvenOrMissingKernelsAreRejected()
    {
        Assert.Contains("odd", Assert.Throws<ArgumentException>(() => new GInceptionST(8, 8, 8, [3, 4], 8)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new GInceptionST(8, 8, 8, [], 8));
    }

    [Fact]
    public void OutputWidthThatTheGroupNormCannotSplitIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new GInceptionST(16, 16, 12, [3], 8));
        Assert.Contains("C_out", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GroupNormsStartAtWeightOneAndBiasZero()
    {
        // TorchSharp 0.107.0 leaves nn.GroupNorm's affine parameters uninitialised; the block must reset them.
        using var block = new GInceptionST(24, 16, 32, [3, 5, 7, 11], 8);
        foreach (var (key, t) in block.state_dict().Where(kv => kv.Key.Contains(".norm.", StringComparison.Ordinal)))
        {
            double expected = key.EndsWith("weight", StringComparison.Ordinal) ? 1.0 : 0.0;
            Assert.True(t.eq(expected).all().item<bool>(), $"{key} does not start at {expected}");
        }
    }

    [SkippableTheory]
    [InlineData("cpu")]
    [InlineData("cuda")]
    public void EveryParameterReceivesAGradient(string deviceName)
    {
        var device = TestDevices.Require(deviceName);
        using var block = new GInceptionST(24, 16, 32, [3, 5, 7, 11], 8);
        block.to(device);
        block.train();
        using var scope = NewDisposeScope();
        var x = randn(2, 24, 6, 7, device: device);
        var y = block.forward(x);
        Assert.Equal([2, 32, 6, 7], y.shape);
        (y * randn(y.shape, device: device)).sum().backward();
        foreach (var (name, p) in block.named_parameters())
        {
            Assert.True(p.grad is { } g && g.abs().sum().item<float>() > 0, $"{name} has no gradient");
        }
    }
}
