using static TorchSharp.torch;

namespace SvqVideo.Torch;

/// <summary>
/// A trainable spatio-temporal forecasting model (e.g. SimVP), optionally with a quantizer in its
/// latent space. Frames are (B, T, C, H, W) float32 in [0, 1] on the module's device.
/// Mode follows <see cref="Module"/>'s training flag. Not thread-safe; disposal frees parameters.
/// </summary>
public interface IForecastModel : IDisposable
{
    /// <summary>The configuration it was built from.</summary>
    ModelConfig Config { get; }

    /// <summary>The quantizer in the latent space, or null.</summary>
    IQuantizer? Quantizer { get; }

    /// <summary>The root module; its <c>state_dict()</c> keys follow the reference implementation's names.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Named after TorchSharp's nn.Module, the type it returns; a TorchSharp SDK has no Visual Basic callers.")]
    nn.Module Module { get; }

    /// <summary>Frames one forward pass produces (SimVP: <see cref="ModelConfig.FramesIn"/>).</summary>
    int FramesPerPass { get; }

    /// <summary>One forward pass on (B, FramesIn, C, H, W); returns (B, FramesPerPass, C, H, W) and the quantizer's loss.</summary>
    /// <exception cref="ArgumentException">The input shape does not match the configuration.</exception>
    ForecastModelOutput Forward(Tensor frames);

    /// <summary>
    /// Forecasts <paramref name="horizon"/> frames after (B, FramesIn, C, H, W): one pass truncated
    /// when the horizon is shorter, autoregressive rollout (predictions fed back as context) when longer.
    /// Returns (B, horizon, C, H, W), unclipped.
    /// </summary>
    Tensor Forecast(Tensor frames, int horizon);
}
