using SvqVideo.Testing;
using SvqVideo.Torch;
using SvqVideo.Training.Tests.StandIns;
using static TorchSharp.torch;

namespace SvqVideo.Training.Tests;

/// <summary>
/// The one rollout (<see cref="ForecastRollout"/>) that training, validation and <see cref="IForecastModel.Forecast"/>
/// share: passes fed back as context, the last truncated, the passes' auxiliary losses summed and their metrics averaged.
/// </summary>
public sealed class RolloutTests
{
    [Fact]
    public void ThreePassesAreChainedTruncatedAndTheirAuxLossesSummed()
    {
        Trainer.SeedTorch(3);
        var config = TinyForecastModel.DefaultConfig().With("dropout", 0.0);
        using var model = new TinyForecastModel(config, new TinyQuantizer(config.GetInt("hidden", 8)));
        model.Module.train();
        using var scope = NewDisposeScope();
        var x = rand([2, config.FramesIn, 1, 16, 16], generator: new TorchSharp.torch.Generator(5));
        int horizon = (2 * config.FramesIn) + 1;

        var (prediction, aux, metrics) = ForecastRollout.Run(model, x, horizon, quantizerMetrics: true);

        var pass1 = model.Forward(x);
        var pass2 = model.Forward(pass1.Prediction);
        var pass3 = model.Forward(pass2.Prediction);
        var expected = cat([pass1.Prediction, pass2.Prediction, pass3.Prediction.narrow(1, 0, 1)], 1);
        Assert.Equal([2, horizon, 1, 16, 16], prediction.shape);
        TensorAssert.Close(expected, prediction, 0, 0, "rollout");
        Assert.True(prediction.requires_grad);

        double auxSum = pass1.AuxLoss.item<float>() + pass2.AuxLoss.item<float>() + pass3.AuxLoss.item<float>();
        Assert.True(auxSum > 0, "the stand-in quantizer reports a positive aux loss in training mode");
        Assert.Equal(auxSum, aux.item<float>(), 5);
        Assert.True(aux.requires_grad);

        double perplexity = (pass1.Quantizer!.Metrics["perplexity"].item<float>()
            + pass2.Quantizer!.Metrics["perplexity"].item<float>()
            + pass3.Quantizer!.Metrics["perplexity"].item<float>()) / 3;
        Assert.Equal(perplexity, metrics["perplexity"], 5);
    }

    [Fact]
    public void ForecastIsTheRolloutsPredictionAndMetricsAreReadOnlyWhenAsked()
    {
        using var model = Runs.NewModel(4, withQuantizer: true);
        model.Module.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = rand([3, model.Config.FramesIn, 1, 16, 16], generator: new TorchSharp.torch.Generator(6));
        foreach (int horizon in new[] { 1, model.Config.FramesIn, (3 * model.Config.FramesIn) - 1 })
        {
            var (prediction, _, metrics) = ForecastRollout.Run(model, x, horizon);
            TensorAssert.Close(prediction, model.Forecast(x, horizon), 0, 0, $"horizon {horizon}");
            Assert.Empty(metrics);
        }
    }

    [Fact]
    public void AHorizonBelowOneIsRejected()
    {
        using var model = Runs.NewModel(4);
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentOutOfRangeException>(() => ForecastRollout.Run(model, rand([1, model.Config.FramesIn, 1, 16, 16]), 0));
    }
}
