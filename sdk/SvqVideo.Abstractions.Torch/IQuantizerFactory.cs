namespace SvqVideo.Torch;

/// <summary>
/// A quantizer plugin's entry point: one concrete implementation per family, with a public
/// parameterless constructor, found by the host by reflection and registered under <see cref="Name"/>.
/// Stateless and thread-safe.
/// </summary>
public interface IQuantizerFactory
{
    /// <summary>Registry name (lower case, e.g. <c>svq</c>); unique among loaded plugins.</summary>
    string Name { get; }

    /// <summary>One-line description for listings.</summary>
    string Description { get; }

    /// <summary>Default options for a latent dimension (the paper's settings for this family).</summary>
    QuantizerOptions DefaultOptions(int dimension);

    /// <summary>Builds the module on the CPU in training mode. The caller owns (and disposes) it.</summary>
    /// <exception cref="ArgumentException">The options are invalid for this family (the message says which).</exception>
    IQuantizer Create(QuantizerOptions options);
}
