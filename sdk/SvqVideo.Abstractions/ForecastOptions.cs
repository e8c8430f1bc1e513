namespace SvqVideo;

/// <summary>
/// Per-call forecast options. A null member means "the predictor's default". Instances are plain
/// data; do not mutate one while a call that received it is running.
/// </summary>
public sealed class ForecastOptions
{
    /// <summary>
    /// Number of future frames to return. Null: the predictor's trained horizon
    /// (<see cref="PredictorMetadata.FramesOut"/>). Larger values are produced autoregressively by
    /// feeding predictions back as context; smaller values truncate.
    /// </summary>
    public int? Frames { get; set; }

    /// <summary>Optional extra options a specific predictor understands, by name.</summary>
    public IDictionary<string, object?>? AdditionalProperties { get; set; }
}
