namespace SvqVideo;

/// <summary>
/// A streaming forecast: the host pushes frames one by one as they arrive and asks for the next
/// frames whenever it likes. The session keeps only the last <see cref="PredictorMetadata.FramesIn"/>
/// frames, so memory stays constant however long the stream. Not thread-safe.
/// </summary>
public interface IForecastSession : IDisposable
{
    /// <summary>Frames currently buffered (at most the predictor's FramesIn).</summary>
    int BufferedFrames { get; }

    /// <summary>True once enough frames were pushed to forecast.</summary>
    bool IsReady { get; }

    /// <summary>Appends one frame (C×H×W values in [0, 1]).</summary>
    /// <exception cref="ArgumentException">The frame length is not C·H·W of the predictor.</exception>
    void Push(ReadOnlySpan<float> frame);

    /// <summary>Forecasts the next <paramref name="frames"/> frames after the pushed ones.</summary>
    /// <exception cref="InvalidOperationException">Fewer than FramesIn frames have been pushed.</exception>
    FrameClip Forecast(int frames, CancellationToken cancellationToken = default);

    /// <summary>Forgets all buffered frames.</summary>
    void Reset();
}
