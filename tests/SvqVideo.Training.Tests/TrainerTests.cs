using System.Text.Json;
using SvqVideo.Testing;
using SvqVideo.Torch;
using SvqVideo.Training.Tests.StandIns;

namespace SvqVideo.Training.Tests;

public class TrainerTests
{
    [Fact]
    public void SeededRunsOnTheCpuGiveIdenticalLossSequences()
    {
        List<double> Losses(long seed, out List<double?> validation)
        {
            using var model = Runs.NewModel(seed);
            var recorder = new Runs.Recorder();
            new Trainer(model, Runs.TrainSet(), Runs.ValidationSet(), Runs.Options() with { Seed = seed, Epochs = 3 }).Train(progress: recorder);
            validation = recorder.Epochs.Select(e => e.ValidationLoss).ToList();
            return recorder.Steps.Select(s => s.Loss).ToList();
        }

        var first = Losses(7, out var firstValidation);
        var second = Losses(7, out var secondValidation);
        var other = Losses(8, out _);
        Assert.Equal(first, second);
        Assert.Equal(firstValidation, secondValidation);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void EarlyStoppingStopsOncePatienceEpochsPassWithoutImprovement()
    {
        // A learning rate far below float32 resolution leaves the weights bit-identical, so the
        // validation loss can never improve after the first epoch.
        var options = Runs.Options() with { Epochs = 30, Schedule = ScheduleKind.Constant, LearningRate = 1e-30, NoiseFraction = 0, EarlyStoppingPatience = 3 };
        using var model = Runs.NewModel(3);
        var result = new Trainer(model, Runs.TrainSet(), Runs.ValidationSet(), options).Train();
        Assert.Equal(StopReason.EarlyStopped, result.Reason);
        Assert.Equal(1, result.BestEpoch);
        Assert.Equal(1 + options.EarlyStoppingPatience, result.EpochsCompleted);
        Assert.Equal(result.EpochsCompleted, result.History.Count);
    }

    [Fact]
    public void WithoutPatienceEveryEpochRuns()
    {
        var options = Runs.Options() with { Epochs = 5, Schedule = ScheduleKind.Constant, LearningRate = 1e-30, EarlyStoppingPatience = 0 };
        using var model = Runs.NewModel(3);
        var result = new Trainer(model, Runs.TrainSet(), Runs.ValidationSet(), options).Train();
        Assert.Equal(StopReason.Completed, result.Reason);
        Assert.Equal(5, result.EpochsCompleted);
    }

    [Fact]
    public void TrainingLowersTheValidationLossBelowTheCopyLastFrameBaseline()
    {
        var options = Runs.Options() with { Epochs = 10, LearningRate = 1e-2, NoiseFraction = 0 };
        using var model = Runs.NewModel(5);
        var result = new Trainer(model, new MovingSquares(160, seed: 1), Runs.ValidationSet(), options).Train();
        double first = result.History[0].ValidationLoss!.Value;
        Assert.True(result.BestValidationLoss < first * 0.7, $"best validation loss {result.BestValidationLoss} is not well below the first epoch's {first}");
        Assert.True(result.BestValidationLoss < result.BaselineLoss, $"best validation loss {result.BestValidationLoss} does not beat the copy-last-frame baseline {result.BaselineLoss}");
    }

    [Fact]
    public void TheBaselineLossIsTheCopyLastFrameLossOnTheValidationClips()
    {
        var validation = Runs.ValidationSet();
        using var model = Runs.NewModel(5);
        var result = new Trainer(model, Runs.TrainSet(), validation, Runs.Options() with { Epochs = 1 }).Train();
        double sum = 0;
        int clips = 0;
        Evaluation.RunCopyLastFrame(validation, new EvaluationOptions { BatchSize = 5 }, batch =>
        {
            sum += (batch.Predictions - batch.Targets).abs().mean().item<float>() * batch.Clips;
            clips += batch.Clips;
        });
        Assert.Equal(sum / clips, result.BaselineLoss!.Value, 5);
    }

    [Fact]
    public void BestCheckpointHoldsTheWeightsWithTheLowestValidationLoss()
    {
        using var folder = new TempFolder();
        var validation = Runs.ValidationSet();
        using var model = Runs.NewModel(5);
        var result = new Trainer(model, Runs.TrainSet(), validation, Runs.Options(folder.Path) with { Epochs = 4 }).Train();
        Assert.NotNull(result.BestCheckpoint);
        Assert.Equal(result.History.Where(e => e.ValidationLoss is not null).Min(e => e.ValidationLoss), result.BestValidationLoss);

        var (manifest, tensors) = Checkpoint.Load(result.BestCheckpoint!);
        using var restored = Runs.NewModel(99);
        Checkpoint.LoadInto(restored.Module, tensors, "optim.", "rng.");
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }

        Assert.Equal(model.Config, manifest.Model);
        Assert.Equal(result.BestEpoch, manifest.Training!["best_epoch"]!.GetValue<int>());
        double sum = 0;
        Evaluation.Run(restored, validation, new EvaluationOptions { BatchSize = 8 }, batch => sum += (batch.Predictions - batch.Targets).abs().mean().item<float>() * batch.Clips);
        Assert.Equal(result.BestValidationLoss!.Value, sum / validation.Count, 5);
    }

    [Fact]
    public void TheJsonLinesLogHasASessionLineAndOneLinePerEpoch()
    {
        using var folder = new TempFolder();
        using var model = Runs.NewModel(5);
        var result = new Trainer(model, Runs.TrainSet(), Runs.ValidationSet(), Runs.Options(folder.Path) with { Epochs = 3 }).Train();
        var lines = File.ReadAllLines(folder.Combine(Trainer.LogFileName)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("session", lines[0].GetProperty("type").GetString());
        Assert.Equal(7, lines[0].GetProperty("seed").GetInt64());
        Assert.Equal("onecycle", lines[0].GetProperty("options").GetProperty("schedule").GetString());
        var epochs = lines.Skip(1).ToList();
        Assert.Equal(3, epochs.Count);
        for (int i = 0; i < epochs.Count; i++)
        {
            Assert.Equal("epoch", epochs[i].GetProperty("type").GetString());
            Assert.Equal(i + 1, epochs[i].GetProperty("epoch").GetInt32());
            Assert.Equal(result.History[i].TrainLoss, epochs[i].GetProperty("train_loss").GetDouble());
            Assert.Equal(result.History[i].ValidationLoss, epochs[i].GetProperty("validation_loss").GetDouble());
            Assert.True(epochs[i].GetProperty("learning_rate").GetDouble() > 0);
            Assert.True(epochs[i].GetProperty("elapsed_seconds").GetDouble() > 0);
        }
    }

    [Fact]
    public void QuantizerMetricsAndPerplexityReachTheEpochSummary()
    {
        using var model = Runs.NewModel(5, withQuantizer: true);
        var recorder = new Runs.Recorder();
        new Trainer(model, Runs.TrainSet(), null, Runs.Options() with { Epochs = 2 }).Train(progress: recorder);
        Assert.All(recorder.Epochs, e =>
        {
            Assert.True(e.Metrics.ContainsKey("perplexity"));
            Assert.Equal(e.Metrics["perplexity"], e.Perplexity);
            Assert.InRange(e.Perplexity!.Value, 1.0, 8.0);
        });
    }

    [Fact]
    public void StepEventsReportThroughputAndAnEtaThatShrinks()
    {
        using var model = Runs.NewModel(5);
        var recorder = new Runs.Recorder();
        new Trainer(model, Runs.TrainSet(), null, Runs.Options() with { Epochs = 3 }).Train(progress: recorder);
        Assert.All(recorder.Steps, s => Assert.True(s.SequencesPerSecond > 0));
        Assert.Equal(TimeSpan.Zero, recorder.Steps[^1].Eta);
        Assert.True(recorder.Steps[1].Eta > recorder.Steps[^2].Eta);
        Assert.Equal(Enumerable.Range(1, recorder.Steps.Count).Select(i => (long)i), recorder.Steps.Select(s => s.GlobalStep));
    }

    [Fact]
    public void TheWallTimeBudgetStopsTheRunAndSavesItsPosition()
    {
        using var folder = new TempFolder();
        using var model = Runs.NewModel(5);
        var options = Runs.Options(folder.Path) with { Epochs = 100_000, MaxWallTime = TimeSpan.FromSeconds(2) };
        var result = new Trainer(model, Runs.TrainSet(), Runs.ValidationSet(), options).Train();
        Assert.Equal(StopReason.TimeBudget, result.Reason);
        // The plan stops when the steps that fit are done, leaving time for the last validation, so slightly before 2 s.
        Assert.InRange(result.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
        var training = Checkpoint.ReadManifest(folder.Combine(Trainer.LastFileName)).Training!;
        Assert.Equal(result.Steps, training["global_step"]!.GetValue<long>());
        Assert.False(training["finished"]!.GetValue<bool>());
    }

    [Fact]
    public void ADatasetOfTheWrongShapeIsRejectedWithAClearMessage()
    {
        using var model = Runs.NewModel(5);
        var e = Assert.Throws<ArgumentException>(() => new Trainer(model, new MovingSquares(32, size: 12), null, Runs.Options()));
        Assert.Contains("squares/1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TooFewClipsForOneBatchIsRejected()
    {
        using var model = Runs.NewModel(5);
        var e = Assert.Throws<ArgumentException>(() => new Trainer(model, new MovingSquares(3), null, Runs.Options()));
        Assert.Contains("batch_size", e.Message, StringComparison.Ordinal);
    }
}
