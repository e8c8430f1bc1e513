namespace SvqVideo;

/// <summary>
/// Base class for decorators (timing, logging, caching) around another predictor: every member
/// forwards to <see cref="InnerPredictor"/> unless overridden. Disposing it disposes the inner one.
/// </summary>
public abstract class DelegatingFramePredictor : IFramePredictor
{
    /// <summary>Wraps <paramref name="innerPredictor"/>.</summary>
    protected DelegatingFramePredictor(IFramePredictor innerPredictor)
    {
        ArgumentNullException.ThrowIfNull(innerPredictor);
        InnerPredictor = innerPredictor;
    }

    /// <summary>The wrapped predictor.</summary>
    protected IFramePredictor InnerPredictor { get; }

    /// <inheritdoc />
    public virtual PredictorMetadata Metadata => InnerPredictor.Metadata;

    /// <inheritdoc />
    public virtual FrameClip Predict(FrameClip context, ForecastOptions? options = null, CancellationToken cancellationToken = default)
        => InnerPredictor.Predict(context, options, cancellationToken);

    /// <inheritdoc />
    public virtual IReadOnlyList<FrameClip> PredictBatch(IReadOnlyList<FrameClip> contexts, ForecastOptions? options = null, CancellationToken cancellationToken = default)
        => InnerPredictor.PredictBatch(contexts, options, cancellationToken);

    /// <inheritdoc />
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerPredictor.GetService(serviceType, serviceKey);
    }

    /// <summary>Disposes the inner predictor.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the inner predictor when <paramref name="disposing"/>.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            InnerPredictor.Dispose();
        }
    }
}
