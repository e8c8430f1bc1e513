namespace SvqVideo.Metrics;

/// <summary>
/// One metric aggregated over every frame seen: its mean (the number a paper table reports) and its
/// curve over the frame index within a clip (prediction horizon). Immutable; JSON-friendly.
/// <para>
/// Infinite values: PSNR is +∞ for a frame identical to its target. Like OpenSTL, <see cref="Mean"/> is
/// then +∞; <see cref="FiniteMean"/> averages only the finite frames and <see cref="InfiniteFrames"/>
/// counts the others. In JSON, non-finite numbers are written as the strings <c>"Infinity"</c>,
/// <c>"-Infinity"</c> and <c>"NaN"</c>.
/// </para>
/// </summary>
public sealed class MetricSummary
{
    /// <summary>The metric's name (<see cref="MetricNames"/>).</summary>
    public required string Name { get; init; }

    /// <summary>What the number means (convention, units).</summary>
    public required string Description { get; init; }

    /// <summary>Mean over all frames (for <c>rmse</c>: sqrt of the mean <c>mse</c>); +∞ when any frame is +∞.</summary>
    public required double Mean { get; init; }

    /// <summary>Mean over the frames whose value is finite (equals <see cref="Mean"/> when all are); NaN when none is.</summary>
    public required double FiniteMean { get; init; }

    /// <summary>Number of frames aggregated.</summary>
    public required long Frames { get; init; }

    /// <summary>Number of frames whose value is infinite (PSNR of identical frames).</summary>
    public required long InfiniteFrames { get; init; }

    /// <summary>Mean per frame index t (0 = first predicted frame) over all clips, same conventions as <see cref="Mean"/>.</summary>
    public required IReadOnlyList<double> PerFrameIndex { get; init; }
}
