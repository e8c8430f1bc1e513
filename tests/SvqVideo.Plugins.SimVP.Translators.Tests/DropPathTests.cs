using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

public sealed class DropPathTests
{
    [Fact]
    public void IsTheIdentityInEvalMode()
    {
        using var dropPath = new DropPath(0.7);
        dropPath.eval();
        using var scope = NewDisposeScope();
        var x = randn(16, 3, 4, 4);
        Assert.True(dropPath.forward(x).eq(x).all().item<bool>());
    }

    [Fact]
    public void IsTheIdentityInTrainingWithProbabilityZero()
    {
        using var dropPath = new DropPath(0.0);
        dropPath.train();
        using var scope = NewDisposeScope();
        var x = randn(16, 3, 4, 4);
        Assert.True(dropPath.forward(x).eq(x).all().item<bool>());
    }

    [Fact]
    public void ZeroesOrRescalesWholeSamplesInTraining()
    {
        manual_seed(3);
        using var dropPath = new DropPath(0.75);
        dropPath.train();
        using var scope = NewDisposeScope();
        var x = ones(400, 3, 2, 2);
        var y = dropPath.forward(x);
        var perSample = y.reshape(400, -1);
        var first = perSample[.., 0].unsqueeze(1);
        Assert.True(perSample.eq(first).all().item<bool>(), "a sample was partly dropped");
        var values = first.squeeze(1);
        Assert.True(values.eq(0).logical_or(values.eq(4)).all().item<bool>(), "kept samples must be scaled by 1/(1-p) = 4");
        long kept = values.eq(4).sum().item<long>();
        Assert.InRange(kept, 60, 140);
    }

    [Fact]
    public void DropsEverySampleAtProbabilityOne()
    {
        using var dropPath = new DropPath(1.0);
        dropPath.train();
        using var scope = NewDisposeScope();
        Assert.True(dropPath.forward(randn(8, 2, 3)).eq(0).all().item<bool>());
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void RejectsProbabilitiesOutsideTheUnitInterval(double p)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DropPath(p));
        Assert.Contains("drop_path", e.Message, StringComparison.Ordinal);
    }
}
