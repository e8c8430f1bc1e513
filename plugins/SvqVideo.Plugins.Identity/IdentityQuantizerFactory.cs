using SvqVideo.Torch;

namespace SvqVideo.Plugins.Identity;

/// <summary>
/// Registry entry <c>none</c>: no quantization (identity, zero aux loss), the baseline every quantizer is
/// compared against. Ignores codebook options. Stateless and thread-safe.
/// </summary>
public sealed class IdentityQuantizerFactory : IQuantizerFactory
{
    /// <inheritdoc />
    public string Name => "none";

    /// <inheritdoc />
    public string Description => "No quantization: the latents pass through unchanged (baseline).";

    /// <inheritdoc />
    public QuantizerOptions DefaultOptions(int dimension) => new() { Kind = Name, Dimension = dimension };

    /// <inheritdoc />
    public IQuantizer Create(QuantizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new IdentityQuantizer(options);
    }
}
