using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Training;

/// <summary>
/// A forecasting model whose forecasts are damped towards copy-last-frame by a <see cref="ForecastDamping"/>; everything
/// else (configuration, quantizer, module, parameters) is the wrapped model's. Rollouts past one pass feed the wrapped
/// model's own, undamped frames back as context, as it was trained; only the frames returned are damped. Disposing it
/// disposes the wrapped model. Not thread-safe.
/// </summary>
public sealed class DampedForecastModel : IForecastModel
{
    private readonly IForecastModel _inner;

    /// <summary>Wraps <paramref name="inner"/>, which this model now owns.</summary>
    public DampedForecastModel(IForecastModel inner, ForecastDamping damping)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(damping);
        _inner = inner;
        Damping = damping;
    }

    /// <summary>The damping applied to every forecast.</summary>
    public ForecastDamping Damping { get; }

    /// <inheritdoc/>
    public ModelConfig Config => _inner.Config;

    /// <inheritdoc/>
    public IQuantizer? Quantizer => _inner.Quantizer;

    /// <inheritdoc/>
    public nn.Module Module => _inner.Module;

    /// <inheritdoc/>
    public int FramesPerPass => _inner.FramesPerPass;

    /// <inheritdoc/>
    public ForecastModelOutput Forward(Tensor frames)
    {
        var output = _inner.Forward(frames);
        var damped = Damping.Apply(frames, output.Prediction);
        output.Prediction.Dispose();
        // The damped frame is no longer the warped frame plus a change, so the flow is not handed on.
        output.Flow?.Dispose();
        return new ForecastModelOutput(damped, output.AuxLoss, output.Quantizer);
    }

    /// <inheritdoc/>
    public Tensor Forecast(Tensor frames, int horizon)
    {
        using var raw = _inner.Forecast(frames, horizon);
        return Damping.Apply(frames, raw);
    }

    /// <inheritdoc/>
    public void Dispose() => _inner.Dispose();
}
