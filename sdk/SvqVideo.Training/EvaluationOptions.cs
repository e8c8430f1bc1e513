namespace SvqVideo.Training;

/// <summary>How <see cref="Evaluation"/> walks a dataset. Immutable; null members mean the default.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Clips per batch (default 16).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Evaluate only the first this many clips (0 = all).</summary>
    public int MaxClips { get; init; }

    /// <summary>Frames to forecast; null uses the dataset's <c>FramesOut</c>.</summary>
    public int? Horizon { get; init; }

    /// <summary>
    /// Device for the copy-last-frame baseline's tensors (<c>auto</c>, <c>cpu</c>, <c>cuda</c>);
    /// a model is evaluated on the device its parameters are on.
    /// </summary>
    public string Device { get; init; } = "cpu";
}
