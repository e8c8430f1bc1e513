namespace SvqVideo;

/// <summary>
/// A forecast together with the motion that made it, when the predictor forecasts by moving pixels (for example
/// SimVP with <c>warp</c>): each forecast frame is an earlier frame sampled at every pixel's position plus
/// <see cref="Flow"/>, plus a change. A host can apply the same motion to the frames at a larger size, which keeps the
/// detail of what moves as well as of what does not. Other predictors give the frames alone
/// (<see cref="HasMotion"/> false). Immutable.
/// </summary>
public sealed class MotionForecast
{
    private readonly float[]? _flow;
    private readonly int[] _sources;

    /// <summary>A forecast without motion.</summary>
    /// <param name="frames">The forecast frames, clipped to [0, 1].</param>
    public MotionForecast(FrameClip frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        Frames = frames;
        _sources = [];
    }

    /// <summary>A forecast with the motion that made it.</summary>
    /// <param name="frames">The forecast frames, clipped to [0, 1].</param>
    /// <param name="flow">T×2×H×W (not copied; do not modify it afterwards): see <see cref="Flow"/>.</param>
    /// <param name="sources">One per forecast frame: see <see cref="Sources"/>.</param>
    /// <exception cref="ArgumentException">The flow's length is not T·2·H·W, the sources are not one per frame, or a source is not an earlier frame.</exception>
    public MotionForecast(FrameClip frames, float[] flow, IReadOnlyList<int> sources)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(sources);
        long expected = (long)frames.Frames * 2 * frames.Height * frames.Width;
        if (flow.LongLength != expected)
        {
            throw new ArgumentException($"flow has {flow.LongLength} values but {frames.Frames}x2x{frames.Height}x{frames.Width} needs {expected}", nameof(flow));
        }

        if (sources.Count != frames.Frames)
        {
            throw new ArgumentException($"{sources.Count} sources for {frames.Frames} forecast frames", nameof(sources));
        }

        for (int t = 0; t < sources.Count; t++)
        {
            if (sources[t] < -1 || sources[t] >= t)
            {
                throw new ArgumentException($"forecast frame {t}'s source {sources[t]} is not the last context frame (-1) or an earlier forecast frame", nameof(sources));
            }
        }

        Frames = frames;
        _flow = flow;
        _sources = [.. sources];
    }

    /// <summary>The forecast frames, values in [0, 1].</summary>
    public FrameClip Frames { get; }

    /// <summary>Whether <see cref="Flow"/> and <see cref="Sources"/> are given.</summary>
    public bool HasMotion => _flow is not null;

    /// <summary>
    /// Empty without motion; otherwise T×2×H×W, row-major, at the forecast's frame size: for each forecast frame and pixel, the displacement in pixels
    /// (x, then y) of the point of the source frame (<see cref="Sources"/>) that the pixel takes its value from, sampled
    /// bilinearly with the frame's edge repeated outside it and pixel centres on the frame's corners (PyTorch's
    /// <c>grid_sample</c> with <c>align_corners=True</c>, <c>padding_mode="border"</c>).
    /// </summary>
    public ReadOnlyMemory<float> Flow => _flow;

    /// <summary>
    /// Empty without motion; otherwise for each forecast frame t the frame it was moved from: −1 for the last context
    /// frame, k for forecast frame k (k &lt; t).
    /// </summary>
    public IReadOnlyList<int> Sources => _sources;
}
