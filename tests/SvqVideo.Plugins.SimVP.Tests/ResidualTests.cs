using SvqVideo.Testing;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Tests;

/// <summary>The <c>residual</c> option: the network forecasts the change from the last context frame.</summary>
public sealed class ResidualTests
{
    [Fact]
    public void ResidualIsOffByDefaultAndLeftOutOfTheDefaultConfig()
    {
        var config = new SimVPModelFactory().DefaultConfig(4, 4, 1, 16, 16);
        Assert.False(config.Parameters.ContainsKey("residual"));
        Assert.False(SimVPSettings.From(config).Residual);
    }

    [Theory]
    [InlineData("gSTA", false, 4)]
    [InlineData("IncepU", true, 4)]
    [InlineData("gSTA", true, 11)]
    public void AnUntrainedResidualModelForecastsExactlyTheLastContextFrame(string modelType, bool withSvq, int horizon)
    {
        using var model = new SimVPModelFactory().Create(SmallModels.Config(modelType).With("residual", true), withSvq ? SmallModels.Svq() : null);
        model.Module.eval();
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var frames = SmallModels.Frames01(CPU, batch: 3);
        var last = frames.narrow(1, SmallModels.Frames - 1, 1);
        var forecast = model.Forecast(frames, horizon);
        Assert.Equal(horizon, forecast.shape[1]);
        Assert.True(forecast.eq(last.expand(3, horizon, SmallModels.Channels, SmallModels.Size, SmallModels.Size)).all().item<bool>(), "the untrained residual forecast is not exactly the last frame");
    }

    [Fact]
    public void ResidualOutputIsTheLastFramePlusTheNetworksChange()
    {
        // The same weights with and without the option: the outputs differ by exactly the last context frame.
        SameWeights(out var plain, out var residual);
        using (plain)
        using (residual)
        {
            plain.Module.eval();
            residual.Module.eval();
            using var scope = NewDisposeScope();
            using var mode = inference_mode();
            var frames = SmallModels.Frames01(CPU);
            var a = plain.Forward(frames).Prediction;
            var b = residual.Forward(frames).Prediction;
            TensorAssert.Close(a + frames.narrow(1, SmallModels.Frames - 1, 1), b, 1e-6, 0, "residual = plain + last frame");
        }
    }

    [Fact]
    public void AResidualModelLearnsTheReadoutFromItsZeroStart()
    {
        using var model = new SimVPModelFactory().Create(SmallModels.Config().With("residual", true), null);
        var frames = SmallModels.Frames01(CPU);
        var target = SmallModels.Frames01(CPU, seed: 9);
        var loss = nn.functional.l1_loss(model.Forward(frames).Prediction, target);
        loss.backward();
        var readout = model.Module.named_parameters().Single(p => p.name == "dec.readout.weight").parameter;
        Assert.True(readout.grad!.abs().sum().item<float>() > 0, "the zero-initialised readout receives no gradient");
    }

    private static void SameWeights(out IForecastModel plain, out IForecastModel residual)
    {
        manual_seed(3);
        plain = new SimVPModelFactory().Create(SmallModels.Config(), null);
        residual = new SimVPModelFactory().Create(SmallModels.Config().With("residual", true), null);
        Checkpoint.LoadInto(residual.Module, plain.Module.state_dict());
    }
}
