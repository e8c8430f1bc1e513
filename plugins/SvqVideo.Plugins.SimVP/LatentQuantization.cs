using SvqVideo.Torch;
using SvqVideo.Torch.Onnx;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// The quantizer slot (SVQ-Forecasting's <c>Quantization</c> wrapper): the quantizer's module under the
/// key <c>vq</c>, so that inside SimVP its tensors are <c>vq.vq.*</c> as in <c>SimVPVQ_Model</c>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class LatentQuantization : nn.Module
{
    private readonly nn.Module vq;
    private readonly Func<Tensor, QuantizerOutput> _quantize;
    private readonly IQuantizer _quantizer;

    public LatentQuantization(IQuantizer quantizer)
        : base("Quantization")
    {
        vq = quantizer.Module;
        _quantize = quantizer.Quantize;
        RegisterComponents();

        // Kept after registration: the quantizer is the module registered as 'vq', not a second child.
        _quantizer = quantizer;
    }

    /// <summary>Quantizes latents (N, C, H, W).</summary>
    public QuantizerOutput Quantize(Tensor latents) => _quantize(latents);

    /// <summary>
    /// ONNX form: the quantizer's own inference subgraph, found on the quantizer (or its module) as
    /// <see cref="IOnnxExportable"/>; SimVP knows nothing of any quantizer's internals.
    /// </summary>
    /// <exception cref="OnnxExportNotSupportedException">The quantizer's plugin offers no ONNX form.</exception>
    public string ExportOnnx(IOnnxGraph graph, string latents)
    {
        var exportable = _quantizer as IOnnxExportable ?? _quantizer.Module as IOnnxExportable
            ?? throw new OnnxExportNotSupportedException($"quantizer '{_quantizer.Options.Kind}' has no ONNX form (its plugin, {_quantizer.GetType().Assembly.GetName().Name}, does not implement IOnnxExportable)");
        using var scope = graph.Scope("vq.vq");
        return exportable.ExportOnnx(graph, latents);
    }
}
