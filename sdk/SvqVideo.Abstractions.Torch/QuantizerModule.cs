using static TorchSharp.torch;

namespace SvqVideo.Torch;

/// <summary>
/// Convenience base for quantizers written as TorchSharp modules: <see cref="IQuantizer.Quantize"/>
/// is the module's forward, and the module is itself.
/// </summary>
public abstract class QuantizerModule : nn.Module<Tensor, QuantizerOutput>, IQuantizer
{
    /// <summary>Creates the module with the given name (the reference implementation's class name).</summary>
    protected QuantizerModule(string name, QuantizerOptions options)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Dimension <= 0)
        {
            throw new ArgumentException($"quantizer dimension must be positive, got {options.Dimension}", nameof(options));
        }

        Options = options;
    }

    /// <inheritdoc />
    public QuantizerOptions Options { get; }

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    public QuantizerOutput Quantize(Tensor latents)
    {
        ValidateLatents(latents);
        return forward(latents);
    }

    /// <summary>Throws a clear <see cref="ArgumentException"/> unless <paramref name="latents"/> is (N, Dimension, H, W).</summary>
    protected void ValidateLatents(Tensor latents)
    {
        ArgumentNullException.ThrowIfNull(latents);
        if (latents.dim() != 4 || latents.shape[1] != Options.Dimension)
        {
            throw new ArgumentException($"{Options.Kind} expects latents (N, {Options.Dimension}, H, W), got ({string.Join(", ", latents.shape)})", nameof(latents));
        }
    }
}
