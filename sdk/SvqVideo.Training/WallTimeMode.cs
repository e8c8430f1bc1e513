using System.Text.Json.Serialization;

namespace SvqVideo.Training;

/// <summary>What a wall-time budget (<see cref="TrainingOptions.MaxWallTime"/>) means for the learning-rate schedule (JSON: <c>plan</c>, <c>pause</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WallTimeMode>))]
public enum WallTimeMode
{
    /// <summary>
    /// The budget bounds the run: the schedule runs over the steps planned to fit (estimated from the pace of the
    /// steps so far and re-planned after every step), so the run warms up, peaks and anneals within the budget and
    /// stops when the planned steps are done, leaving time for the last validation.
    /// </summary>
    [JsonStringEnumMemberName("plan")]
    Plan,

    /// <summary>
    /// The budget is a time slice: the schedule ignores it (it runs over the configured epochs) and the run stops
    /// when the budget is spent, to be resumed later exactly as if it had not stopped.
    /// </summary>
    [JsonStringEnumMemberName("pause")]
    Pause,
}
