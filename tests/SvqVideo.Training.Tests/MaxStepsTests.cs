using SvqVideo.Testing;
using SvqVideo.Torch;
using SvqVideo.Training.Tests.StandIns;

namespace SvqVideo.Training.Tests;

/// <summary><see cref="TrainingOptions.MaxSteps"/>: an equal budget in optimisation steps, whatever the epoch length.</summary>
public sealed class MaxStepsTests
{
    [Theory]
    [InlineData(13)]
    [InlineData(16)]
    public void TheRunCompletesAfterExactlyMaxStepsAndTheScheduleEndsThere(long maxSteps)
    {
        using var folder = new TempFolder();
        using var model = Runs.NewModel(2);
        var recorder = new Runs.Recorder();
        var options = Runs.Options(folder.Path) with { Epochs = 1000, MaxSteps = maxSteps, Schedule = ScheduleKind.OneCycle };
        var result = new Trainer(model, Runs.TrainSet(), Runs.ValidationSet(), options).Train(progress: recorder);

        Assert.Equal(StopReason.Completed, result.Reason);
        Assert.Equal(maxSteps, result.Steps);
        Assert.Equal(maxSteps, recorder.Steps.Count);
        Assert.All(recorder.Steps, s => Assert.Equal(maxSteps, s.TotalSteps));
        Assert.Equal(LearningRateSchedule.Create(options, 8).LearningRate(maxSteps - 1), recorder.Steps[^1].LearningRate);
        Assert.True(recorder.Steps[^1].LearningRate < options.LearningRate / 100, "the schedule did not anneal by the last step");

        // The last (possibly partial) epoch was validated, and the run is finished: a resume trains nothing more.
        Assert.NotNull(result.History[^1].ValidationLoss);
        Assert.True(Checkpoint.ReadManifest(folder.Combine(Trainer.LastFileName)).Training!["finished"]!.GetValue<bool>());
        var again = new Trainer(model, Runs.TrainSet(), Runs.ValidationSet(), options).Train(resume: true);
        Assert.Equal(maxSteps, again.Steps);
    }
}
