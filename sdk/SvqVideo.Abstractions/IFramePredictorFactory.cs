namespace SvqVideo;

/// <summary>
/// A plugin's entry point for predictors. A plugin assembly holds one concrete implementation per
/// predictor family, with a public parameterless constructor; the host finds it by reflection and
/// registers it under <see cref="Name"/>. Implementations are stateless and thread-safe.
/// </summary>
public interface IFramePredictorFactory
{
    /// <summary>Registry name (lower case, e.g. <c>simvp</c>); unique among loaded plugins.</summary>
    string Name { get; }

    /// <summary>One-line description for listings.</summary>
    string Description { get; }

    /// <summary>Builds a predictor. The caller owns (and disposes) the result.</summary>
    /// <exception cref="ArgumentException">The options are incomplete or the checkpoint does not fit this family.</exception>
    /// <exception cref="IOException">The checkpoint cannot be read.</exception>
    IFramePredictor Create(PredictorCreateOptions options);
}
