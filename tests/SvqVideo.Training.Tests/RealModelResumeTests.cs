using SvqVideo.Datasets;
using SvqVideo.Datasets.Mnist;
using SvqVideo.Plugins.SimVP;
using SvqVideo.Plugins.Svq;
using SvqVideo.Plugins.Vq;
using SvqVideo.Testing;
using SvqVideo.Torch;
using SvqVideo.Training.Tests.StandIns;

namespace SvqVideo.Training.Tests;

/// <summary>
/// The mid-epoch resume contract with the real parts and every source of randomness they have: generated
/// Moving-MNIST clips, the shuffled data order, noise injection, dropout and stochastic depth in SimVP's translator,
/// and the quantizer (SVQ; VQ with k-means initialisation on its first batch and dead codes replaced by rows drawn
/// from torch's generator). A run killed after a step in the middle of an epoch and resumed in a new trainer (new
/// model, new datasets) ends with the uninterrupted run's weights and <c>train.jsonl</c> losses, bit for bit.
/// </summary>
public class RealModelResumeTests
{
    private const long Seed = 11;

    private sealed class SimulatedKill : Exception;

    private static (MovingMnist Train, MovingMnist Validation) Data()
    {
        var options = new MovingMnistOptions { CanvasSize = 32, FramesIn = 4, FramesOut = 4, Digits = 1, Seed = 5 };
        return (MovingMnist.Create(DatasetSplit.Train, options with { Count = 48 }), MovingMnist.Create(DatasetSplit.Validation, options with { Count = 8 }));
    }

    private static IForecastModel NewModel(IClipDataset data, string quantizer, long seed)
    {
        Trainer.SeedTorch(seed);
        var simvp = new SimVPModelFactory();
        var config = simvp.DefaultConfig(data.FramesIn, data.FramesOut, data.Channels, data.Height, data.Width)
            .With("hid_S", 8).With("hid_T", 16).With("N_S", 2).With("N_T", 2).With("model_type", "gSTA")
            .With("drop", 0.2).With("drop_path", 0.3);
        IQuantizer q = quantizer == "svq"
            ? new SvqQuantizerFactory().Create(new SvqQuantizerFactory().DefaultOptions(8) with { CodebookSize = 64 })
            : new VqQuantizerFactory().Create(new VqQuantizerFactory().DefaultOptions(8).With("kmeans_init", true).With("threshold_ema_dead_code", 2) with { CodebookSize = 64 });
        return simvp.Create(config, q);
    }

    private static TrainingOptions Options(string folder) => new()
    {
        Epochs = 2,
        BatchSize = 4,
        LearningRate = 2e-3,
        NoiseFraction = 0.1,
        EarlyStoppingPatience = 0,
        Seed = Seed,
        Threads = 2,
        Device = "cpu",
        CheckpointDirectory = folder,
        CheckpointEvery = CheckpointInterval.EverySteps(4),
    };

    [Theory]
    [InlineData("svq")]
    [InlineData("vq")]
    public void AKilledSimVPRunResumedMidEpochMatchesTheUninterruptedRunBitForBit(string quantizer)
    {
        // 12 steps per epoch; the kill comes after step 19 (epoch 2, step 7), the newest checkpoint is at step 16.
        using var referenceFolder = new TempFolder();
        var (train, validation) = Data();
        using var reference = NewModel(train, quantizer, Seed);
        var referenceSteps = new Runs.Recorder();
        new Trainer(reference, train, validation, Options(referenceFolder.Path) with { CheckpointEvery = CheckpointInterval.EpochEnd }).Train(progress: referenceSteps);

        using var folder = new TempFolder();
        using (var model = NewModel(train, quantizer, Seed))
        {
            var (killedTrain, killedValidation) = Data();
            var killer = new Runs.Recorder(p =>
            {
                if (p is StepProgress { GlobalStep: 19 })
                {
                    throw new SimulatedKill();
                }
            });
            Assert.Throws<SimulatedKill>(() => new Trainer(model, killedTrain, killedValidation, Options(folder.Path)).Train(progress: killer));
        }

        Assert.Equal(4, Checkpoint.ReadManifest(folder.Combine(Trainer.LastFileName)).Training!["step_in_epoch"]!.GetValue<int>());
        var (resumedTrain, resumedValidation) = Data();
        using var resumed = NewModel(resumedTrain, quantizer, 1234);
        var resumedSteps = new Runs.Recorder();
        new Trainer(resumed, resumedTrain, resumedValidation, Options(folder.Path)).Train(resume: true, progress: resumedSteps);

        Assert.Equal(17, resumedSteps.Steps[0].GlobalStep);
        Assert.Equal(referenceSteps.Steps.Skip(16).Select(s => s.Loss), resumedSteps.Steps.Select(s => s.Loss));
        Assert.Equal(MidEpochCheckpointTests.EpochLines(referenceFolder.Path), MidEpochCheckpointTests.EpochLines(folder.Path));
        Assert.True(Runs.Identical(Runs.Snapshot(reference), Runs.Snapshot(resumed)), "the resumed run's final weights differ from the uninterrupted run's");
    }
}
