namespace SvqVideo;

/// <summary>
/// Forecasts future video frames from context frames. Implementations come from plugins.
/// <para>
/// Thread safety: a predictor may be used by one thread at a time; hosts that forecast from
/// several threads create one predictor per thread. Disposal releases the model's native memory
/// (CPU or GPU); a disposed predictor throws <see cref="ObjectDisposedException"/>.
/// </para>
/// </summary>
public interface IFramePredictor : IDisposable
{
    /// <summary>What this predictor is and the clip shape it works with.</summary>
    PredictorMetadata Metadata { get; }

    /// <summary>
    /// Forecasts the frames that follow <paramref name="context"/>.
    /// </summary>
    /// <param name="context">At least <see cref="PredictorMetadata.FramesIn"/> frames of
    /// <see cref="PredictorMetadata.Channels"/>×<see cref="PredictorMetadata.Height"/>×<see cref="PredictorMetadata.Width"/>;
    /// only the last FramesIn are used. Values in [0, 1].</param>
    /// <param name="options">Per-call options; null for defaults.</param>
    /// <param name="cancellationToken">Checked between autoregressive steps.</param>
    /// <returns>The forecast frames, values clipped to [0, 1].</returns>
    /// <exception cref="ArgumentException">The context has too few frames or the wrong frame shape.</exception>
    FrameClip Predict(FrameClip context, ForecastOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Forecasts several clips in one batch; equivalent to calling <see cref="Predict"/> on each but faster.
    /// </summary>
    IReadOnlyList<FrameClip> PredictBatch(IReadOnlyList<FrameClip> contexts, ForecastOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns an optional capability or piece of metadata of the given type (for example the
    /// tensor-level model), or null when the predictor has none. Never throws for unknown types.
    /// </summary>
    object? GetService(Type serviceType, object? serviceKey = null);
}
