using SvqVideo.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Tests;

/// <summary>Forecast horizons: truncation below T_in, one pass at T_in, OpenSTL's rollout beyond it.</summary>
public sealed class ForecastTests
{
    [SkippableTheory]
    [MemberData(nameof(TestDevices.Names), MemberType = typeof(TestDevices))]
    public void ShorterHorizonIsTheFirstFramesOfOnePass(string deviceName)
    {
        var device = TestDevices.Require(deviceName);
        using var model = SmallModels.Create(withSvq: true);
        model.Module.to(device).eval();
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var x = SmallModels.Frames01(device);
        var full = model.Forward(x).Prediction;
        var two = model.Forecast(x, 2);
        Assert.Equal([2, 2, SmallModels.Channels, SmallModels.Size, SmallModels.Size], two.shape);
        TensorAssert.Close(full.narrow(1, 0, 2), two, 0, 0, "horizon 2");
        TensorAssert.Close(full, model.Forecast(x, SmallModels.Frames), 0, 0, "horizon T_in");
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.Names), MemberType = typeof(TestDevices))]
    public void LongerHorizonFeedsEachPassBackAsContextAndTruncatesTheLast(string deviceName)
    {
        var device = TestDevices.Require(deviceName);
        using var model = SmallModels.Create();
        model.Module.to(device).eval();
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var x = SmallModels.Frames01(device);

        int horizon = (2 * SmallModels.Frames) + 3;
        var pass1 = model.Forward(x).Prediction;
        var pass2 = model.Forward(pass1).Prediction;
        var pass3 = model.Forward(pass2).Prediction;
        var manual = cat([pass1, pass2, pass3.narrow(1, 0, 3)], 1);

        var rolled = model.Forecast(x, horizon);
        Assert.Equal([2, horizon, SmallModels.Channels, SmallModels.Size, SmallModels.Size], rolled.shape);
        TensorAssert.Close(manual, rolled, 0, 0, "rollout");
    }

    [Fact]
    public void RolloutKeepsTheGraphForTrainingThroughSeveralPasses()
    {
        using var model = SmallModels.Create();
        using var scope = NewDisposeScope();
        var y = model.Forecast(SmallModels.Frames01(CPU), 2 * SmallModels.Frames);
        Assert.True(y.requires_grad);
    }

    [Fact]
    public void ZeroHorizonIsRejected()
    {
        using var model = SmallModels.Create();
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Forecast(SmallModels.Frames01(CPU), 0));
    }

    [Fact]
    public void FramesOfTheWrongShapeGetAMessageNamingTheExpectedShape()
    {
        using var model = SmallModels.Create();
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => model.Forward(rand([2, SmallModels.Frames + 1, 1, 16, 16])));
        Assert.Contains("(B, 4, 1, 16, 16)", e.Message, StringComparison.Ordinal);
        Assert.Contains("got (2, 5, 1, 16, 16)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => model.Forward(rand([2, 1, 16, 16])));
    }
}
