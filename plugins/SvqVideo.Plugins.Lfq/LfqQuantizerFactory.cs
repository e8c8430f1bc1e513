using SvqVideo.Torch;

namespace SvqVideo.Plugins.Lfq;

/// <summary>
/// Registry entry <c>lfq</c>: lookup-free quantization (MAGVIT-v2; vector-quantize-pytorch 1.12.5 <c>LFQ</c>).
/// Options: <see cref="QuantizerOptions.CodebookSize"/> (a power of 2, default 8192 = 13 bits);
/// parameters <c>entropy_loss_weight</c> (0.1), <c>commitment_loss_weight</c> (0.25), <c>diversity_gamma</c> (1.0),
/// <c>inv_temperature</c> (100), <c>codebook_scale</c> (1.0), <c>fast_path</c> (true: the training entropy terms
/// from per-bit tables, O(tokens·√K); false: the reference's tokens × K softmax). Stateless and thread-safe.
/// </summary>
public sealed class LfqQuantizerFactory : IQuantizerFactory
{
    /// <inheritdoc />
    public string Name => "lfq";

    /// <inheritdoc />
    public string Description => "Lookup-free quantization: per-feature sign codes with an entropy aux loss (MAGVIT-v2, vector-quantize-pytorch 1.12.5).";

    /// <inheritdoc />
    public QuantizerOptions DefaultOptions(int dimension) => new QuantizerOptions
    {
        Kind = Name,
        Dimension = dimension,
        CodebookSize = LfqSettings.DefaultCodebookSize,
    }.With("entropy_loss_weight", 0.1);

    /// <inheritdoc />
    public IQuantizer Create(QuantizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new LookupFreeQuantizer(options);
    }
}
