namespace SvqVideo;

/// <summary>
/// An optional capability of an <see cref="IFramePredictor"/> (ask for it with
/// <see cref="IFramePredictor.GetService"/>): the forecast together with the motion the model predicted.
/// </summary>
public interface IMotionFramePredictor
{
    /// <summary>
    /// Forecasts like <see cref="IFramePredictor.Predict"/> (the same frames) and returns the motion with it when the
    /// model forecasts by moving pixels (<see cref="MotionForecast.HasMotion"/>).
    /// </summary>
    /// <param name="context">As for <see cref="IFramePredictor.Predict"/>.</param>
    /// <param name="options">Per-call options; null for defaults.</param>
    /// <param name="cancellationToken">Checked before the forecast.</param>
    /// <exception cref="ArgumentException">The context has too few frames or the wrong frame shape.</exception>
    MotionForecast PredictWithMotion(FrameClip context, ForecastOptions? options = null, CancellationToken cancellationToken = default);
}
