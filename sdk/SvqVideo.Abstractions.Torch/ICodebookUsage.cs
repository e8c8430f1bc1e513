using static TorchSharp.torch;

namespace SvqVideo.Torch;

/// <summary>
/// Optional capability of a quantizer: how often each code is used on some latents, for histograms.
/// What "used" means is the method's own (nearest code for VQ; |z-score of the weight| above a threshold
/// for SVQ, as the paper's perplexity). Called on demand, under no_grad.
/// </summary>
public interface ICodebookUsage
{
    /// <summary>Use counts per code (float32, length = codebook size) for <paramref name="latents"/> (N, C, H, W).</summary>
    Tensor CodeUsage(Tensor latents);
}
