using static TorchSharp.torch;

namespace SvqVideo.Torch;

/// <summary>
/// Optional capability of a forecasting model: the latents its quantizer receives, so hosts can run
/// quantizer diagnostics (<see cref="IQuantizerDiagnostics"/>, <see cref="ICodebookUsage"/>) on real data.
/// </summary>
public interface ILatentEncoder
{
    /// <summary>Encodes (B, FramesIn, C, H, W) frames to the (N, C', h, w) latents at the quantizer's input. No gradient is recorded.</summary>
    Tensor EncodeLatents(Tensor frames);
}
