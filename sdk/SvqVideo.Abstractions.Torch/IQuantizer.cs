using static TorchSharp.torch;

namespace SvqVideo.Torch;

/// <summary>
/// A differentiable module placed between a forecasting model's encoder and translator (or after
/// the translator). Input: latents (N, C, H, W) with C = <see cref="QuantizerOptions.Dimension"/>;
/// each of the N·H·W positions is a token of C values. Output: quantized latents of the same shape.
/// <para>
/// Mode follows <see cref="Module"/>'s training flag (<c>train()</c>/<c>eval()</c>): training may
/// update state (EMA codebooks) and produce auxiliary losses; eval is deterministic and stateless.
/// Tensors stay on the device of the module, which the owner moves with <c>Module.to(device)</c>.
/// Disposal frees the module's parameters and buffers. Not thread-safe.
/// </para>
/// </summary>
public interface IQuantizer : IDisposable
{
    /// <summary>The options it was built from.</summary>
    QuantizerOptions Options { get; }

    /// <summary>The module holding the quantizer's parameters and buffers; owners register it as a child.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Named after TorchSharp's nn.Module, the type it returns; a TorchSharp SDK has no Visual Basic callers.")]
    nn.Module Module { get; }

    /// <summary>Quantizes <paramref name="latents"/> (N, C, H, W).</summary>
    /// <exception cref="ArgumentException">The input is not 4-D or its channel count is not <see cref="QuantizerOptions.Dimension"/>.</exception>
    QuantizerOutput Quantize(Tensor latents);
}
