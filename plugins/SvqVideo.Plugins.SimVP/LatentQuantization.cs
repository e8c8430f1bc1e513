using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// The quantizer slot (SVQ-Forecasting's <c>Quantization</c> wrapper): the quantizer's module under the
/// key <c>vq</c>, so that inside SimVP its tensors are <c>vq.vq.*</c> as in <c>SimVPVQ_Model</c>.
/// </summary>
internal sealed class LatentQuantization : nn.Module
{
    private readonly nn.Module vq;
    private readonly Func<Tensor, QuantizerOutput> _quantize;

    public LatentQuantization(IQuantizer quantizer)
        : base("Quantization")
    {
        vq = quantizer.Module;
        _quantize = quantizer.Quantize;
        RegisterComponents();
    }

    /// <summary>Quantizes latents (N, C, H, W).</summary>
    public QuantizerOutput Quantize(Tensor latents) => _quantize(latents);
}
