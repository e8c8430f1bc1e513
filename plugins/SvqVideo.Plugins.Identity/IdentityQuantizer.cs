using SvqVideo.Torch;
using SvqVideo.Torch.Onnx;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.Identity;

/// <summary>The identity "quantizer": returns the latents unchanged (a new handle on the same storage), zero aux loss, no state.</summary>
internal sealed class IdentityQuantizer : QuantizerModule, IOnnxExportable
{
    public IdentityQuantizer(QuantizerOptions options)
        : base("Identity", options)
    {
        options.ThrowIfUnknownParameters([]);
        RegisterComponents();
    }

    public override QuantizerOutput forward(Tensor latents) =>
        new(latents.alias(), zeros(Array.Empty<long>(), dtype: latents.dtype, device: latents.device));

    /// <summary>ONNX form: no node at all; the latents pass through.</summary>
    public string ExportOnnx(IOnnxGraph graph, string input) => input;
}
