using SvqVideo.Cli.Commands;

namespace SvqVideo.Cli.Tests;

/// <summary>How <c>forecast --fit</c> splits its budget: the whole command is meant to take about that long, so training gets what is left after start-up and decoding, less a reserve for scoring, forecasting and encoding.</summary>
public sealed class FitBudgetTests
{
    [Theory]
    [InlineData(120, 4, 120 - 4 - 14.4)]   // 2m: 12 % reserve
    [InlineData(60, 10, 60 - 10 - 7.2)]
    [InlineData(600, 5, 600 - 5 - 30)]     // the reserve is at most 30 s
    [InlineData(20, 2, 20 - 2 - 5)]        // and at least 5 s
    [InlineData(20, 30, 5)]                // never below a few seconds of training, even when start-up overran
    [InlineData(4, 0, 2)]                  // a tiny budget trains for half of it
    public void TrainingGetsTheBudgetLessWhatWasSpentAndAReserve(double budget, double spent, double expected)
    {
        var training = ForecastCommand.FitTraining(TimeSpan.FromSeconds(budget), TimeSpan.FromSeconds(spent));
        Assert.Equal(expected, training.TotalSeconds, 6);
    }

    [Theory]
    [InlineData(true, null, true)]     // the default: warping follows residual forecasting
    [InlineData(false, null, false)]   // --residual false alone turns both off
    [InlineData(true, false, false)]
    [InlineData(true, true, true)]
    [InlineData(false, false, false)]
    public void WarpFollowsResidualUnlessGiven(bool residual, bool? warp, bool expected) =>
        Assert.Equal(expected, ForecastCommand.FitWarpSetting(residual, warp));

    [Fact]
    public void WarpWithoutResidualIsAUsageError()
    {
        var e = Assert.Throws<CliException>(() => ForecastCommand.FitWarpSetting(residual: false, warp: true));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("--residual true", e.Message, StringComparison.Ordinal);
    }
    [Theory]
    [InlineData(true, "auto", null)]
    [InlineData(true, "TRUE", true)]
    [InlineData(true, "false", false)]
    [InlineData(false, "auto", false)]
    [InlineData(false, "false", false)]
    public void FlowPriorIsDecidedByTheCheckUnlessGivenAndIsOffWithoutWarp(bool warp, string flowPrior, bool? expected) =>
        Assert.Equal(expected, ForecastCommand.FitFlowPriorSetting(warp, flowPrior));

    [Theory]
    [InlineData(false, "true", "--warp true")]
    [InlineData(true, "sometimes", "auto, true or false")]
    public void ABadFlowPriorIsAUsageError(bool warp, string flowPrior, string message)
    {
        var e = Assert.Throws<CliException>(() => ForecastCommand.FitFlowPriorSetting(warp, flowPrior));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
