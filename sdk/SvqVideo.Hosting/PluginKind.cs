namespace SvqVideo.Hosting;

/// <summary>What a registered plugin entry provides.</summary>
public enum PluginKind
{
    /// <summary>An <see cref="IFramePredictorFactory"/> (host-facing forecasting).</summary>
    Predictor,

    /// <summary>An <see cref="Torch.IForecastModelFactory"/> (trainable model).</summary>
    Model,

    /// <summary>An <see cref="Torch.IQuantizerFactory"/>.</summary>
    Quantizer,
}
