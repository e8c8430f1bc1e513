namespace SvqVideo.Metrics;

/// <summary>What a <see cref="MetricSet"/> computes. Null members mean "default".</summary>
public sealed class MetricSetOptions
{
    /// <summary>
    /// Metric names (see <see cref="MetricNames"/>), in report order. Null: <see cref="MetricNames.Default"/>,
    /// plus <see cref="MetricNames.Lpips"/> when <see cref="Lpips"/> is set or <see cref="LpipsUnavailableReason"/> is given.
    /// </summary>
    public IReadOnlyList<string>? Metrics { get; init; }

    /// <summary>The LPIPS module to score with (not owned: the caller disposes it). Frames are moved to its device.</summary>
    public Lpips? Lpips { get; init; }

    /// <summary>
    /// Why LPIPS is missing (e.g. from <see cref="LpipsWeights.TryLoad"/>); reported under "unavailable"
    /// when LPIPS is requested without a module.
    /// </summary>
    public string? LpipsUnavailableReason { get; init; }

    /// <summary>
    /// Reverse the channel order (RGB ↔ BGR) of 3-channel frames before LPIPS. The AlexNet weights expect
    /// RGB: set this when the frames are BGR (as OpenCV reads them). OpenSTL fed BGR frames to LPIPS for
    /// Human3.6M and KittiCaltech, so leave it off on BGR frames only to reproduce those numbers.
    /// </summary>
    public bool LpipsSwapRedBlue { get; init; }

    /// <summary>Frames per LPIPS forward pass (bounds memory). Default 64.</summary>
    public int LpipsFramesPerChunk { get; init; } = 64;
}
