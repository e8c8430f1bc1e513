using System.Text.Json;
using System.Text.Json.Nodes;

namespace SvqVideo.Training;

/// <summary>
/// Where a run stands, as stored in a checkpoint manifest's <c>training</c> object. Together with the
/// model weights, the optimizer state (<c>optim.state</c>) and the RNG states (<c>rng.torch</c>,
/// <c>rng.noise</c>) it lets a resumed run continue exactly where the saved one was.
/// </summary>
internal sealed record TrainingState
{
    public const string CurrentFormat = "svqvideo-training-v1";

    public string Format { get; init; } = CurrentFormat;

    /// <summary>Next epoch to train (0-based).</summary>
    public int NextEpoch { get; init; }

    /// <summary>Steps of <see cref="NextEpoch"/> already trained (non-zero after a mid-epoch stop).</summary>
    public int StepInEpoch { get; init; }

    /// <summary>Steps trained in the run; the schedule's position.</summary>
    public long GlobalStep { get; init; }

    public long Seed { get; init; }

    public int StepsPerEpoch { get; init; }

    public string ScheduleKind { get; init; } = "";

    public long ScheduleTotalSteps { get; init; }

    public double? BestValidationLoss { get; init; }

    public int? BestEpoch { get; init; }

    public double? BaselineLoss { get; init; }

    /// <summary>Training-loss sum and step count of a partly trained <see cref="NextEpoch"/>.</summary>
    public double PartialLossSum { get; init; }

    public int PartialSteps { get; init; }

    public double PartialSeconds { get; init; }

    public Dictionary<string, double> PartialMetricSums { get; init; } = [];

    public double ElapsedSeconds { get; init; }

    public bool Finished { get; init; }

    public string? StopReason { get; init; }

    public required TrainingOptions Options { get; init; }

    public List<EpochSummary> History { get; init; } = [];

    public List<TrainingSession> Sessions { get; init; } = [];

    public JsonObject ToJson() =>
        JsonSerializer.SerializeToNode(this, TrainingJson.Options)!.AsObject();

    public static TrainingState FromJson(JsonObject json, string path)
    {
        TrainingState? state;
        try
        {
            state = json.Deserialize<TrainingState>(TrainingJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the training state in the checkpoint is unreadable ({e.Message})", e);
        }

        if (state is null || state.Format != CurrentFormat)
        {
            throw new InvalidDataException($"{path}: unknown training-state format '{state?.Format}' (this build reads {CurrentFormat})");
        }

        return state;
    }
}
