using static TorchSharp.torch;

namespace SvqVideo.Torch;

/// <summary>
/// What a quantizer returns. The tensors live on the input's device and belong to the caller's
/// dispose scope (or are disposed with this object). Not thread-safe.
/// </summary>
public sealed class QuantizerOutput : IDisposable
{
    /// <summary>Creates an output; <paramref name="auxLoss"/> must be a 0-dim tensor (zero when the method has none).</summary>
    public QuantizerOutput(Tensor quantized, Tensor auxLoss, Tensor? indices = null, Tensor? codeUsage = null, IReadOnlyDictionary<string, Tensor>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(quantized);
        ArgumentNullException.ThrowIfNull(auxLoss);
        Quantized = quantized;
        AuxLoss = auxLoss;
        Indices = indices;
        CodeUsage = codeUsage;
        Metrics = metrics ?? new Dictionary<string, Tensor>();
    }

    /// <summary>Quantized latents, same shape and dtype as the input (N, C, H, W); differentiable with respect to the input.</summary>
    public Tensor Quantized { get; }

    /// <summary>Auxiliary loss to add to the forecast loss (0-dim; zero in eval mode or when the method has none).</summary>
    public Tensor AuxLoss { get; }

    /// <summary>Code indices (int64): (N, H, W), or (N, H, W, Q) for Q residual layers; null when the method has none.</summary>
    public Tensor? Indices { get; }

    /// <summary>How often each code was used in this call (float32, length = codebook size); null when not defined.</summary>
    public Tensor? CodeUsage { get; }

    /// <summary>Named 0-dim diagnostics of this call (e.g. <c>commit_loss</c>, <c>entropy</c>) for logging.</summary>
    public IReadOnlyDictionary<string, Tensor> Metrics { get; }

    /// <summary>Disposes every tensor held.</summary>
    public void Dispose()
    {
        Quantized.Dispose();
        AuxLoss.Dispose();
        Indices?.Dispose();
        CodeUsage?.Dispose();
        foreach (var t in Metrics.Values)
        {
            t.Dispose();
        }
    }
}
