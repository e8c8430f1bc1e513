namespace SvqVideo;

/// <summary>How a host asks a plugin factory for a predictor. Null members mean "default".</summary>
public sealed class PredictorCreateOptions
{
    /// <summary>Path of a checkpoint (SvqVideo format) holding the model's weights and configuration.</summary>
    public string? CheckpointPath { get; set; }

    /// <summary>Compute device: <c>auto</c> (default: CUDA when available, else CPU), <c>cpu</c> or <c>cuda</c>.</summary>
    public string? Device { get; set; }

    /// <summary>
    /// Services the host offers the plugin (for example the registry of quantizer plugins, so a
    /// model plugin can rebuild the quantizer a checkpoint names). Null when the host offers none.
    /// </summary>
    public IServiceProvider? Services { get; set; }

    /// <summary>
    /// Optional extra settings a specific predictor understands, by name (for example the <c>onnx</c>
    /// predictor's <c>threads</c>); predictors ignore names they do not know. Null when there are none.
    /// </summary>
    public IDictionary<string, object?>? AdditionalProperties { get; set; }
}
