namespace SvqVideo.Training.Tests;

/// <summary><see cref="CheckpointInterval"/>'s notation, and <c>checkpoint_every</c> in the options' JSON.</summary>
public class CheckpointIntervalTests
{
    [Theory]
    [InlineData("5m", "5m")]
    [InlineData("90s", "1m30s")]
    [InlineData("1h30m", "1h30m")]
    [InlineData("45", "45s")]
    [InlineData("500steps", "500steps")]
    [InlineData("1 step", "1steps")]
    [InlineData(" 20 Steps ", "20steps")]
    [InlineData("epoch", "epoch")]
    [InlineData("off", "epoch")]
    [InlineData("0", "epoch")]
    public void ParsesDurationsStepCountsAndEpochAndWritesThemBack(string text, string written)
    {
        var interval = CheckpointInterval.Parse(text);
        Assert.Equal(written, interval.ToString());
        Assert.Equal(interval, CheckpointInterval.Parse(written));
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("0steps")]
    [InlineData("-5m")]
    [InlineData("5 minutes")]
    [InlineData("")]
    public void RefusesAnythingElseShowingTheAcceptedForms(string text)
    {
        var e = Assert.Throws<FormatException>(() => CheckpointInterval.Parse(text));
        Assert.Contains($"'{text}' is not a checkpoint interval", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheOptionsCarryItInJsonAndRefuseABadValueNamingIt()
    {
        var options = new TrainingOptions { CheckpointEvery = CheckpointInterval.EverySteps(250) };
        Assert.Contains("\"checkpoint_every\":\"250steps\"", options.ToJson(), StringComparison.Ordinal);
        Assert.Equal(options, TrainingOptions.FromJson(options.ToJson()));
        Assert.Equal(TimeSpan.FromMinutes(10), TrainingOptions.FromJson("{\"checkpoint_every\":\"10m\"}").CheckpointEvery.Time);
        Assert.Equal(CheckpointInterval.Default, TrainingOptions.FromJson("{}").CheckpointEvery);
        var e = Assert.Throws<ArgumentException>(() => TrainingOptions.FromJson("{\"checkpoint_every\":\"often\"}"));
        Assert.Contains("'often' is not a checkpoint interval", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => TrainingOptions.FromJson("{\"checkpoint_every\":5}"));
    }

    [Fact]
    public void AResumeMayChangeIt()
    {
        var saved = new TrainingOptions();
        Assert.Empty((saved with { CheckpointEvery = CheckpointInterval.EpochEnd }).DifferencesForResume(saved));
    }
}
