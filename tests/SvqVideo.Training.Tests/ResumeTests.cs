using SvqVideo.Testing;
using SvqVideo.Torch;
using SvqVideo.Training.Tests.StandIns;
using static TorchSharp.torch;

namespace SvqVideo.Training.Tests;

/// <summary>
/// The resume contract: a run interrupted at any moment and resumed from <c>last.safetensors</c>
/// ends with exactly the weights, validation losses and per-step losses of an uninterrupted run
/// (CPU, same thread count). A hard kill loses what was trained since the newest checkpoint (here, with
/// checkpoints at epoch ends only, the epoch in progress; <see cref="MidEpochCheckpointTests"/> covers the ones
/// inside epochs); a graceful stop (cancellation, time budget) loses nothing.
/// </summary>
public class ResumeTests
{
    private const long Seed = 7;

    private sealed class SimulatedKill : Exception;

    private static (Dictionary<string, Tensor> Weights, TrainingResult Result, List<StepProgress> Steps) Uninterrupted(TrainingOptions options)
    {
        using var folder = new TempFolder();
        using var model = Runs.NewModel(Seed, withQuantizer: true);
        var recorder = new Runs.Recorder();
        var result = new Trainer(model, Runs.TrainSet(), Runs.ValidationSet(), options with { CheckpointDirectory = folder.Path }).Train(progress: recorder);
        return (Runs.Snapshot(model), result, recorder.Steps);
    }

    [Fact]
    public void AKilledRunResumesFromTheLastEpochAndEndsInTheSameStateAsAnUninterruptedRun()
    {
        var options = Runs.Options() with { Epochs = 4, CheckpointEvery = CheckpointInterval.EpochEnd };
        var reference = Uninterrupted(options);

        using var folder = new TempFolder();
        int stepsPerEpoch;
        long killAt;
        using (var model = Runs.NewModel(Seed, withQuantizer: true))
        {
            var trainer = new Trainer(model, Runs.TrainSet(), Runs.ValidationSet(), options with { CheckpointDirectory = folder.Path });
            stepsPerEpoch = trainer.StepsPerEpoch;
            killAt = (2 * stepsPerEpoch) + 3;
            var killer = new Runs.Recorder(p =>
            {
                if (p is StepProgress s && s.GlobalStep == killAt)
                {
                    throw new SimulatedKill();
                }
            });
            Assert.Throws<SimulatedKill>(() => trainer.Train(progress: killer));
        }

        // A kill in the middle of writing leaves a temporary file beside the checkpoints.
        string partial = AtomicFile.TempPathFor(folder.Combine(Trainer.LastFileName));
        File.WriteAllBytes(partial, new byte[1000]);
        Assert.Equal(2, Checkpoint.ReadManifest(folder.Combine(Trainer.LastFileName)).Training!["next_epoch"]!.GetValue<int>());

        using var resumedModel = Runs.NewModel(12345, withQuantizer: true);
        var recorder = new Runs.Recorder();
        var result = new Trainer(resumedModel, Runs.TrainSet(), Runs.ValidationSet(), options with { CheckpointDirectory = folder.Path }).Train(resume: true, progress: recorder);

        Assert.False(File.Exists(partial));
        Assert.Equal(3, recorder.Steps[0].Epoch);
        Assert.Equal(1, recorder.Steps[0].Step);
        Assert.True(Runs.Identical(reference.Weights, Runs.Snapshot(resumedModel)), "the resumed run's final weights differ from the uninterrupted run's");
        Assert.Equal(reference.Result.History.Select(e => (e.Epoch, e.TrainLoss, e.ValidationLoss)), result.History.Select(e => (e.Epoch, e.TrainLoss, e.ValidationLoss)));
        Assert.Equal(reference.Steps.Skip(2 * stepsPerEpoch).Select(s => s.Loss), recorder.Steps.Select(s => s.Loss));
        Assert.Equal(StopReason.Completed, result.Reason);
    }

    [Fact]
    public void ACancelledRunSavesItsStepAndResumesFromTheNextOne()
    {
        var options = Runs.Options() with { Epochs = 3 };
        var reference = Uninterrupted(options);

        using var folder = new TempFolder();
        using var cancel = new CancellationTokenSource();
        long stoppedAt;
        using (var model = Runs.NewModel(Seed, withQuantizer: true))
        {
            var trainer = new Trainer(model, Runs.TrainSet(), Runs.ValidationSet(), options with { CheckpointDirectory = folder.Path });
            stoppedAt = trainer.StepsPerEpoch + 5;
            var recorder = new Runs.Recorder(p =>
            {
                if (p is StepProgress s && s.GlobalStep == stoppedAt)
                {
                    cancel.Cancel();
                }
            });
            var first = trainer.Train(progress: recorder, cancellationToken: cancel.Token);
            Assert.Equal(StopReason.Cancelled, first.Reason);
            Assert.Equal(stoppedAt, first.Steps);
        }

        using var resumedModel = Runs.NewModel(777, withQuantizer: true);
        var resumed = new Runs.Recorder();
        var result = new Trainer(resumedModel, Runs.TrainSet(), Runs.ValidationSet(), options with { CheckpointDirectory = folder.Path }).Train(resume: true, progress: resumed);

        Assert.Equal(stoppedAt + 1, resumed.Steps[0].GlobalStep);
        Assert.Equal(6, resumed.Steps[0].Step);
        Assert.True(Runs.Identical(reference.Weights, Runs.Snapshot(resumedModel)), "the resumed run's final weights differ from the uninterrupted run's");
        Assert.Equal(reference.Steps.Skip((int)stoppedAt).Select(s => s.Loss), resumed.Steps.Select(s => s.Loss));
        Assert.Equal(reference.Result.History.Select(e => (e.TrainLoss, e.ValidationLoss)), result.History.Select(e => (e.TrainLoss, e.ValidationLoss)));
    }

    [Fact]
    public void ARunStoppedByItsTimeBudgetRecordsAPartialEpochAndResumesToTheSameWeights()
    {
        var options = Runs.Options() with { Epochs = 3 };
        var reference = Uninterrupted(options);

        using var folder = new TempFolder();
        // A budget in pause mode is a time slice: the schedule is the configured one, so a resume continues exactly.
        var slowOptions = options with { CheckpointDirectory = folder.Path, MaxWallTime = TimeSpan.FromMilliseconds(400), WallTimeMode = WallTimeMode.Pause };
        using (var model = Runs.NewModel(Seed, withQuantizer: true))
        {
            var slow = new Runs.Recorder(p =>
            {
                if (p is StepProgress)
                {
                    Thread.Sleep(40);
                }
            });
            var first = new Trainer(model, Runs.TrainSet(), Runs.ValidationSet(), slowOptions).Train(progress: slow);
            Assert.Equal(StopReason.TimeBudget, first.Reason);
            Assert.True(first.Steps < reference.Result.Steps);
        }

        using var resumedModel = Runs.NewModel(4242, withQuantizer: true);
        var result = new Trainer(resumedModel, Runs.TrainSet(), Runs.ValidationSet(), options with { CheckpointDirectory = folder.Path }).Train(resume: true);

        Assert.True(Runs.Identical(reference.Weights, Runs.Snapshot(resumedModel)), "the resumed run's final weights differ from the uninterrupted run's");
        var complete = result.History.Where(e => !e.Partial).ToList();
        Assert.Equal(reference.Result.History.Select(e => (e.Epoch, e.TrainLoss, e.ValidationLoss)), complete.Select(e => (e.Epoch, e.TrainLoss, e.ValidationLoss)));
        Assert.Equal(StopReason.Completed, result.Reason);
    }

    [Fact]
    public void ResumingWithDifferentTrainingOptionsIsRefusedNamingThem()
    {
        using var folder = new TempFolder();
        var options = Runs.Options(folder.Path) with { Epochs = 1 };
        using (var model = Runs.NewModel(Seed))
        {
            new Trainer(model, Runs.TrainSet(), null, options).Train();
        }

        using var again = Runs.NewModel(Seed);
        var e = Assert.Throws<ArgumentException>(() =>
            new Trainer(again, Runs.TrainSet(), null, options with { LearningRate = 0.5, Threads = 1 }).Train(resume: true));
        Assert.Contains("checkpoint's (learning_rate)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResumingWithoutACheckpointFailsClearly()
    {
        using var folder = new TempFolder();
        using var model = Runs.NewModel(Seed);
        var e = Assert.Throws<FileNotFoundException>(() => new Trainer(model, Runs.TrainSet(), null, Runs.Options(folder.Path)).Train(resume: true));
        Assert.Contains(Trainer.LastFileName, e.Message, StringComparison.Ordinal);
        Assert.Contains("stopped before its first checkpoint, start it again without resume", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACorruptLastCheckpointFailsClearlyInsteadOfTrainingFromScratch()
    {
        using var folder = new TempFolder();
        var options = Runs.Options(folder.Path) with { Epochs = 1 };
        using (var model = Runs.NewModel(Seed))
        {
            new Trainer(model, Runs.TrainSet(), null, options).Train();
        }

        string last = folder.Combine(Trainer.LastFileName);
        var bytes = File.ReadAllBytes(last);
        File.WriteAllBytes(last, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        using var again = Runs.NewModel(Seed);
        var e = Assert.Throws<InvalidDataException>(() => new Trainer(again, Runs.TrainSet(), null, options with { Epochs = 1 }).Train(resume: true));
        Assert.Contains(last, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void TheCheckpointHoldsTheOptimizersMomentsAndStepCountForEveryTrainableParameter(OptimizerKind optimizer)
    {
        using var folder = new TempFolder();
        using var model = Runs.NewModel(Seed, withQuantizer: true);
        var result = new Trainer(model, Runs.TrainSet(), null, Runs.Options(folder.Path) with { Epochs = 1, Optimizer = optimizer, WeightDecay = 0.01 }).Train();
        var (_, tensors) = Checkpoint.Load(folder.Combine(Trainer.LastFileName));
        try
        {
            foreach (var (name, parameter) in model.Module.named_parameters())
            {
                Assert.Equal(parameter.shape, tensors[$"{Trainer.OptimizerPrefix}exp_avg.{name}"].shape);
                Assert.Equal(parameter.shape, tensors[$"{Trainer.OptimizerPrefix}exp_avg_sq.{name}"].shape);
                Assert.Equal(result.Steps, tensors[$"{Trainer.OptimizerPrefix}step.{name}"].item<long>());
                Assert.True(tensors[$"{Trainer.OptimizerPrefix}exp_avg_sq.{name}"].sum().item<float>() > 0, $"the second moment of {name} is zero");
            }

            Assert.True(tensors.ContainsKey(Trainer.TorchRngKey));
            Assert.True(tensors.ContainsKey(Trainer.NoiseRngKey));
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    [Fact]
    public void AnAdamWRunResumesToTheSameWeightsToo()
    {
        var options = Runs.Options() with { Epochs = 2, Optimizer = OptimizerKind.AdamW, WeightDecay = 0.05 };
        var reference = Uninterrupted(options);
        using var folder = new TempFolder();
        using var cancel = new CancellationTokenSource();
        using (var model = Runs.NewModel(Seed, withQuantizer: true))
        {
            var stopper = new Runs.Recorder(p =>
            {
                if (p is StepProgress { GlobalStep: 11 })
                {
                    cancel.Cancel();
                }
            });
            new Trainer(model, Runs.TrainSet(), Runs.ValidationSet(), options with { CheckpointDirectory = folder.Path }).Train(progress: stopper, cancellationToken: cancel.Token);
        }

        using var resumedModel = Runs.NewModel(31, withQuantizer: true);
        new Trainer(resumedModel, Runs.TrainSet(), Runs.ValidationSet(), options with { CheckpointDirectory = folder.Path }).Train(resume: true);
        Assert.True(Runs.Identical(reference.Weights, Runs.Snapshot(resumedModel)), "the resumed AdamW run's final weights differ from the uninterrupted run's");
    }
}
