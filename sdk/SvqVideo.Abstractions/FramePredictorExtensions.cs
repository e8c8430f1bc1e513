namespace SvqVideo;

/// <summary>Conveniences over <see cref="IFramePredictor"/>.</summary>
public static class FramePredictorExtensions
{
    /// <summary>Starts a streaming session (see <see cref="ForecastSession"/>). The session does not own the predictor.</summary>
    public static IForecastSession CreateSession(this IFramePredictor predictor) => new ForecastSession(predictor);

    /// <summary>Returns the service of type <typeparamref name="T"/>, or null.</summary>
    public static T? GetService<T>(this IFramePredictor predictor, object? serviceKey = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(predictor);
        return predictor.GetService(typeof(T), serviceKey) as T;
    }
}
