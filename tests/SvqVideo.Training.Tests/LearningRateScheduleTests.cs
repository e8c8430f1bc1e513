using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Training.Tests;

public class LearningRateScheduleTests
{
    [Theory]
    [InlineData(3, 7, 0.01)]
    [InlineData(10, 25, 5e-4)]
    [InlineData(1, 2, 1e-3)]
    public void OneCycleMatchesTorchSharpsOneCycleLrIncludingMomentumCycling(int epochs, int stepsPerEpoch, double lr)
    {
        var schedule = LearningRateSchedule.Create(new TrainingOptions { Epochs = epochs, LearningRate = lr, Schedule = ScheduleKind.OneCycle }, stepsPerEpoch);
        using var weight = new Parameter(zeros(3));
        using var adam = optim.Adam([weight], lr);
        var reference = optim.lr_scheduler.OneCycleLR(adam, max_lr: lr, total_steps: epochs * stepsPerEpoch, final_div_factor: 1e4);
        var group = adam.ParamGroups.Single();
        for (long s = 0; s < schedule.TotalSteps; s++)
        {
            Assert.Equal(group.LearningRate, schedule.LearningRate(s), 12);
            Assert.Equal(((optim.IBetas)group).Betas.Item1, schedule.Beta1(s)!.Value, 12);
            reference.step();
        }
    }

    [Fact]
    public void OneCycleStartsAtOneTwentyFifthPeaksAtThirtyPercentAndEndsFarBelow()
    {
        var schedule = LearningRateSchedule.Create(new TrainingOptions { Epochs = 10, LearningRate = 1e-3 }, 100);
        var curve = Enumerable.Range(0, 1000).Select(s => schedule.LearningRate(s)).ToArray();
        int peak = Array.IndexOf(curve, curve.Max());
        Assert.Equal(1e-3 / LearningRateSchedule.OneCycleDivFactor, curve[0], 15);
        Assert.InRange(peak, 298, 300);
        Assert.Equal(1e-3 / LearningRateSchedule.OneCycleDivFactor / LearningRateSchedule.OneCycleFinalDivFactor, curve[^1], 15);
    }

    [Fact]
    public void CosineWithWarmupFollowsTimmsFormulaPerEpoch()
    {
        var options = new TrainingOptions
        {
            Epochs = 12,
            LearningRate = 2e-3,
            Schedule = ScheduleKind.Cosine,
            WarmupEpochs = 3,
            WarmupLearningRate = 1e-5,
            MinLearningRate = 1e-6,
        };
        const int steps = 5;
        var schedule = LearningRateSchedule.Create(options, steps);
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            double expected = epoch < options.WarmupEpochs
                ? options.WarmupLearningRate + (epoch * (options.LearningRate - options.WarmupLearningRate) / options.WarmupEpochs)
                : options.MinLearningRate + (0.5 * (options.LearningRate - options.MinLearningRate) * (1 + Math.Cos(Math.PI * epoch / options.Epochs)));
            for (int s = 0; s < steps; s++)
            {
                Assert.Equal(expected, schedule.LearningRate((epoch * steps) + s), 15);
            }
        }

        Assert.Null(schedule.Beta1(0));
    }

    [Fact]
    public void CosineWithoutWarmupMatchesTorchSharpsCosineAnnealingLr()
    {
        var options = new TrainingOptions { Epochs = 20, LearningRate = 1e-2, Schedule = ScheduleKind.Cosine, MinLearningRate = 1e-6 };
        var schedule = LearningRateSchedule.Create(options, 3);
        using var weight = new Parameter(zeros(3));
        using var sgd = optim.SGD([weight], options.LearningRate);
        var reference = optim.lr_scheduler.CosineAnnealingLR(sgd, T_max: options.Epochs, eta_min: options.MinLearningRate);
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            Assert.Equal(sgd.ParamGroups.Single().LearningRate, schedule.LearningRate(epoch * 3L), 10);
            reference.step();
        }
    }

    [Fact]
    public void ConstantScheduleKeepsTheLearningRate()
    {
        var schedule = LearningRateSchedule.Create(new TrainingOptions { Epochs = 3, LearningRate = 4e-4, Schedule = ScheduleKind.Constant }, 10);
        Assert.All(Enumerable.Range(0, 30), s => Assert.Equal(4e-4, schedule.LearningRate(s)));
        Assert.Null(schedule.Beta1(5));
    }

    [Fact]
    public void TheTrainerUsesTheScheduleAtEveryStep()
    {
        var options = StandIns.Runs.Options() with { Epochs = 2, Schedule = ScheduleKind.OneCycle };
        using var model = StandIns.Runs.NewModel(1);
        var trainer = new Trainer(model, StandIns.Runs.TrainSet(), null, options);
        var recorder = new StandIns.Runs.Recorder();
        trainer.Train(progress: recorder);
        var schedule = LearningRateSchedule.Create(options, trainer.StepsPerEpoch);
        Assert.Equal(schedule.TotalSteps, recorder.Steps.Count);
        Assert.All(recorder.Steps, s => Assert.Equal(schedule.LearningRate(s.GlobalStep - 1), s.LearningRate));
    }
}
