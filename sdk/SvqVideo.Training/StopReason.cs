using System.Text.Json.Serialization;

namespace SvqVideo.Training;

/// <summary>Why a training run ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StopReason>))]
public enum StopReason
{
    /// <summary>Every configured epoch ran.</summary>
    [JsonStringEnumMemberName("completed")]
    Completed,

    /// <summary>The validation loss did not improve for <see cref="TrainingOptions.EarlyStoppingPatience"/> epochs.</summary>
    [JsonStringEnumMemberName("early_stopped")]
    EarlyStopped,

    /// <summary><see cref="TrainingOptions.MaxWallTime"/> ran out; the run can be resumed.</summary>
    [JsonStringEnumMemberName("time_budget")]
    TimeBudget,

    /// <summary>The caller cancelled; the position was saved and the run can be resumed.</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,

    /// <summary>
    /// A step's loss or gradient norm was not finite (NaN or infinite). That step's update was not applied, so the
    /// model and <c>last</c>/<c>best</c> keep the last good weights; <see cref="TrainingResult.NonFinite"/> says where.
    /// </summary>
    [JsonStringEnumMemberName("non_finite")]
    NonFinite,
}
