using static TorchSharp.torch;

namespace SvqVideo.Torch;

/// <summary>One forward pass of a forecasting model. Not thread-safe; dispose or let a dispose scope collect it.</summary>
public sealed class ForecastModelOutput : IDisposable
{
    /// <summary>Creates an output.</summary>
    public ForecastModelOutput(Tensor prediction, Tensor auxLoss, QuantizerOutput? quantizer = null)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(auxLoss);
        Prediction = prediction;
        AuxLoss = auxLoss;
        Quantizer = quantizer;
    }

    /// <summary>Predicted frames (B, T, C, H, W), unclipped.</summary>
    public Tensor Prediction { get; }

    /// <summary>The quantizer's auxiliary loss (0-dim; zero without a quantizer).</summary>
    public Tensor AuxLoss { get; }

    /// <summary>The quantizer's full output (indices, usage), or null without a quantizer.</summary>
    public QuantizerOutput? Quantizer { get; }

    /// <summary>
    /// For a model that forecasts by moving pixels (SimVP's <c>warp</c>): the displacement (B, T, 2, H, W), in pixels of
    /// the model's frame, x then y, at which each predicted frame samples the last frame of this pass's input (the
    /// prediction is that sampled frame plus a change). Null for models that do not warp.
    /// </summary>
    public Tensor? Flow { get; init; }

    /// <summary>Disposes every tensor held (the quantizer output's latents included).</summary>
    public void Dispose()
    {
        Prediction.Dispose();
        AuxLoss.Dispose();
        Quantizer?.Dispose();
        Flow?.Dispose();
    }
}
