using System.Text.Json;

namespace SvqVideo.Training.Tests;

public class TrainingOptionsTests
{
    [Fact]
    public void OptionsRoundTripThroughJson()
    {
        var options = new TrainingOptions
        {
            Epochs = 7,
            BatchSize = 4,
            LearningRate = 5e-4,
            Optimizer = OptimizerKind.AdamW,
            WeightDecay = 0.05,
            Schedule = ScheduleKind.Cosine,
            WarmupEpochs = 2,
            GradientClipNorm = 1.5,
            Loss = LossKind.L2,
            ChromaWeight = 0.25,
            HorizonWeighting = true,
            NoiseFraction = 0.1,
            EarlyStoppingPatience = 3,
            MaxWallTime = TimeSpan.FromMinutes(3),
            Seed = 9,
            Threads = 2,
            Device = "cpu",
            CheckpointDirectory = "runs/a",
            ValidateEvery = 2,
            MaxStepsPerEpoch = 50,
            MaxValidationClips = 100,
        };
        Assert.Equal(options, TrainingOptions.FromJson(options.ToJson()));
    }

    [Fact]
    public void JsonUsesSnakeCaseNamesAndTheCommandLinesNotation()
    {
        var json = JsonDocument.Parse(new TrainingOptions { MaxWallTime = TimeSpan.FromSeconds(90), Optimizer = OptimizerKind.AdamW }.ToJson()).RootElement;
        Assert.Equal("onecycle", json.GetProperty("schedule").GetString());
        Assert.Equal("adamw", json.GetProperty("optimizer").GetString());
        Assert.Equal("l1", json.GetProperty("loss").GetString());
        Assert.Equal("1m30s", json.GetProperty("max_wall_time").GetString());
        Assert.True(json.TryGetProperty("early_stopping_patience", out _));
    }

    [Fact]
    public void HandWrittenJsonWithADurationIsAccepted()
    {
        var options = TrainingOptions.FromJson("""{"epochs": 3, "schedule": "cosine", "max_wall_time": "3m", "loss": "l2"}""");
        Assert.Equal(TimeSpan.FromMinutes(3), options.MaxWallTime);
        Assert.Equal(ScheduleKind.Cosine, options.Schedule);
        Assert.Equal(LossKind.L2, options.Loss);
    }

    [Theory]
    [InlineData("""{"batch_size": 0}""", "batch_size")]
    [InlineData("""{"noise_fraction": 1.2}""", "noise_fraction")]
    [InlineData("""{"learning_rate": -1}""", "learning_rate")]
    [InlineData("""{"epochz": 3}""", "epochz")]
    [InlineData("""{"max_wall_time": "soon"}""", "soon")]
    public void InvalidJsonFailsWithAMessageNamingTheOption(string json, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => TrainingOptions.FromJson(json));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("3m", 180)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5h", 5400)]
    [InlineData("2d", 172800)]
    [InlineData("500ms", 0.5)]
    [InlineData("00:03:00", 180)]
    [InlineData("90", 90)]
    [InlineData("2.5", 2.5)]
    public void DurationsParseInTheCommandLinesNotation(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), DurationText.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("3 minutes")]
    [InlineData("0s")]
    [InlineData("m")]
    [InlineData("0")]
    [InlineData("-5")]
    public void NonDurationsAreRejected(string text) => Assert.Throws<FormatException>(() => DurationText.Parse(text));

    [Theory]
    [InlineData(5400)]
    [InlineData(45)]
    [InlineData(90061.25)]
    public void FormattedDurationsParseBackToTheSameValue(double seconds)
    {
        var span = TimeSpan.FromSeconds(seconds);
        Assert.Equal(span, DurationText.Parse(DurationText.Format(span)));
    }
}
