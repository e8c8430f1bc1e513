using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace SvqVideo.Training;

/// <summary>
/// How often the trainer writes a resumable checkpoint inside an epoch (<see cref="TrainingOptions.CheckpointEvery"/>):
/// after a stretch of wall time (<c>5m</c>, the default), every N optimisation steps (<c>500steps</c>), or only at the
/// end of each epoch (<c>epoch</c>). A checkpoint is also written at the end of every epoch and whenever the run stops,
/// whatever this says. Text and JSON use the notation of <see cref="Parse"/> and <see cref="ToString"/>. Immutable.
/// </summary>
[JsonConverter(typeof(CheckpointIntervalJsonConverter))]
public readonly partial record struct CheckpointInterval
{
    private CheckpointInterval(TimeSpan? time, long steps)
    {
        Time = time;
        Steps = steps;
    }

    /// <summary>The default: every 5 minutes of wall time.</summary>
    public static CheckpointInterval Default { get; } = new(TimeSpan.FromMinutes(5), 0);

    /// <summary>Only at the end of each epoch (and when the run stops).</summary>
    public static CheckpointInterval EpochEnd => default;

    /// <summary>Wall time between checkpoints, or null when the interval counts steps or is <see cref="EpochEnd"/>.</summary>
    public TimeSpan? Time { get; }

    /// <summary>Optimisation steps between checkpoints (written when the run's step count is a multiple of it), or 0.</summary>
    public long Steps { get; }

    /// <summary>A checkpoint after every <paramref name="time"/> of wall time (counted from the previous checkpoint or the start of the invocation).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is not positive.</exception>
    public static CheckpointInterval Every(TimeSpan time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(time, TimeSpan.Zero);
        return new(time, 0);
    }

    /// <summary>A checkpoint whenever the run's optimisation step count is a multiple of <paramref name="steps"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is less than 1.</exception>
    public static CheckpointInterval EverySteps(long steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        return new(null, steps);
    }

    /// <summary>
    /// Parses a duration in <see cref="DurationText"/> notation (<c>30s</c>, <c>5m</c>, <c>1h</c>), a step count
    /// (<c>500steps</c>, <c>1 step</c>) or <c>epoch</c> (also <c>off</c>, <c>0</c>): checkpoints only at epoch ends.
    /// </summary>
    /// <exception cref="FormatException">The text is none of these (the message shows the accepted forms).</exception>
    public static CheckpointInterval Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim().ToLowerInvariant();
        if (s is "epoch" or "off" or "0")
        {
            return EpochEnd;
        }

        var steps = StepCount().Match(s);
        if (steps.Success)
        {
            return long.TryParse(steps.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n >= 1
                ? EverySteps(n)
                : throw new FormatException($"'{text}' is not a checkpoint interval: the step count must be at least 1");
        }

        try
        {
            return Every(DurationText.Parse(s));
        }
        catch (FormatException)
        {
            throw new FormatException($"'{text}' is not a checkpoint interval (use a duration such as 30s, 5m or 1h, a step count such as 500steps, or epoch)");
        }
    }

    /// <summary>The interval in the notation <see cref="Parse"/> reads: <c>5m</c>, <c>500steps</c> or <c>epoch</c>.</summary>
    public override string ToString() =>
        Time is TimeSpan time ? DurationText.Format(time)
        : Steps > 0 ? Steps.ToString(CultureInfo.InvariantCulture) + "steps"
        : "epoch";

    [GeneratedRegex(@"^(?<n>\d+)\s*steps?$", RegexOptions.CultureInvariant)]
    private static partial Regex StepCount();
}

/// <summary>Reads and writes a <see cref="CheckpointInterval"/> as a string (<c>"5m"</c>, <c>"500steps"</c>, <c>"epoch"</c>).</summary>
internal sealed class CheckpointIntervalJsonConverter : JsonConverter<CheckpointInterval>
{
    public override CheckpointInterval Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string text = reader.TokenType == JsonTokenType.String ? reader.GetString()!
            : throw new JsonException("checkpoint_every must be a string such as \"5m\", \"500steps\" or \"epoch\"");
        try
        {
            return CheckpointInterval.Parse(text);
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, CheckpointInterval value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
