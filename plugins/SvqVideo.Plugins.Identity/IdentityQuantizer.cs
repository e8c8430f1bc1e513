using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.Identity;

/// <summary>The identity "quantizer": returns the latents unchanged (a new handle on the same storage), zero aux loss, no state.</summary>
internal sealed class IdentityQuantizer : QuantizerModule
{
    public IdentityQuantizer(QuantizerOptions options)
        : base("Identity", options)
    {
        options.ThrowIfUnknownParameters([]);
        RegisterComponents();
    }

    public override QuantizerOutput forward(Tensor latents) =>
        new(latents.alias(), zeros(Array.Empty<long>(), dtype: latents.dtype, device: latents.device));
}
