using static TorchSharp.torch;

namespace SvqVideo.Torch;

/// <summary>
/// Optional capability of a quantizer: diagnostics that are too costly for every step
/// (codebook perplexity, sparsity). Called on demand, typically on a sample of tokens, under no_grad.
/// </summary>
public interface IQuantizerDiagnostics
{
    /// <summary>Computes named diagnostics (e.g. <c>perplexity_theta2</c>, <c>kurtosis</c>) for <paramref name="latents"/> (N, C, H, W).</summary>
    IReadOnlyDictionary<string, double> Diagnose(Tensor latents);
}
