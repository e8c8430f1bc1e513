using SvqVideo.Training.Tests.StandIns;

namespace SvqVideo.Training.Tests;

/// <summary>
/// A run bounded by wall time plans its schedule over the steps that fit. The clock is a manual one and every
/// forward pass of the model takes one second on it (a training step one pass, a validation three), so the
/// shape is exact and independent of the machine's speed.
/// </summary>
public sealed class WallTimeBudgetTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    [Fact]
    public void AOneMinuteOneCycleRunWarmsUpPeaksAndAnnealsWithinItsBudget()
    {
        var (result, lrs) = Run(WallTimeMode.Plan);
        double max = Options().LearningRate;

        Assert.Equal(StopReason.TimeBudget, result.Reason);
        Assert.True(result.Elapsed <= Budget, $"the run took {result.Elapsed} of a {Budget} budget");
        Assert.True(lrs.Count >= 30, $"only {lrs.Count} steps ran in a budget that fits about 40");
        Assert.InRange(lrs[0], max / 25 * 0.99, max / 25 * 1.5);
        int peak = lrs.IndexOf(lrs.Max());
        Assert.True(lrs[peak] > 0.95 * max, $"the peak learning rate is {lrs[peak]:g3}, not {max:g3}");
        Assert.InRange((double)peak / lrs.Count, 0.15, 0.45);
        Assert.True(lrs[^1] < 0.05 * max, $"the last step's learning rate {lrs[^1]:g3} is not annealed");
        for (int i = peak + 1; i < lrs.Count; i++)
        {
            Assert.True(lrs[i] <= lrs[i - 1] * 1.05, $"the anneal is not monotone at step {i}: {lrs[i - 1]:g3} -> {lrs[i]:g3}");
        }
    }

    [Fact]
    public void InPauseModeTheScheduleIgnoresTheBudgetAndNeverLeavesItsWarmUp()
    {
        // What `forecast --fit` did before: OneCycle sized for 1000 epochs, stopped after a minute at its very start.
        var (result, lrs) = Run(WallTimeMode.Pause);
        Assert.Equal(StopReason.TimeBudget, result.Reason);
        Assert.True(lrs.Max() < 0.1 * Options().LearningRate, $"max learning rate {lrs.Max():g3}");
    }

    [Fact]
    public void ThePlanLeavesTimeForTheLastValidation()
    {
        var planner = new WallTimeBudget(TimeSpan.FromSeconds(100), maxSteps: 10_000, stepsPerValidation: 8, validationBatches: 3);
        Assert.Equal(10_000, planner.PlannedSteps);
        Assert.False(planner.Exhausted(0, TimeSpan.Zero));
        planner.RecordStep(5);   // the first step (lazy initialisation) is replaced by the next ones' pace
        planner.RecordStep(1);
        planner.RecordStep(1);
        planner.RecordValidation(3);
        planner.Replan(2, TimeSpan.FromSeconds(10));

        // 90 s left, 3 s for the last validation: n steps of 1 s plus n/8 validations of 3 s fit in 87 s.
        long n = planner.PlannedSteps - 2;
        Assert.True(n + (n / 8.0 * 3) <= 87 + 1e-9, $"{n} more steps do not fit");
        Assert.True(n + 1 + ((n + 1) / 8.0 * 3) > 87, $"{n + 1} more steps would still fit");
        Assert.True(planner.Exhausted(planner.PlannedSteps, TimeSpan.FromSeconds(50)));
        Assert.True(planner.Exhausted(3, TimeSpan.FromSeconds(100)));
    }

    [Fact]
    public void WithoutAPlanTheScheduleIsTheConfiguredOne()
    {
        var schedule = LearningRateSchedule.Create(Options() with { Epochs = 3 }, 10);
        for (long s = 0; s < schedule.TotalSteps; s++)
        {
            Assert.Equal(schedule.LearningRate(s), schedule.LearningRate(s, schedule.TotalSteps));
            Assert.Equal(schedule.Beta1(s), schedule.Beta1(s, schedule.TotalSteps));
        }
    }

    private static TrainingOptions Options() => Runs.Options() with
    {
        Epochs = 1000,
        Schedule = ScheduleKind.OneCycle,
        LearningRate = 1e-2,
        MaxWallTime = Budget,
        NoiseFraction = 0,
    };

    private static (TrainingResult Result, List<double> LearningRates) Run(WallTimeMode mode)
    {
        var clock = new ManualClock();
        using var model = new TimedModel(Runs.NewModel(3), clock, TimeSpan.FromSeconds(1));
        var recorder = new Runs.Recorder();
        var result = new Trainer(model, Runs.TrainSet(), Runs.ValidationSet(), Options() with { WallTimeMode = mode }, clock).Train(progress: recorder);
        return (result, recorder.Steps.Select(s => s.LearningRate).ToList());
    }
}
