using SvqVideo.Torch;

namespace SvqVideo.Plugins.Vq;

/// <summary>
/// Registry entry <c>rvq</c>: residual vector quantization (vector-quantize-pytorch 1.12.5 <c>ResidualVQ</c>).
/// Options as <c>vq</c> (codebook default 1024, the paper's Table 4), plus parameters <c>num_quantizers</c> (8),
/// <c>shared_codebook</c> (true) and <c>loss_reduction</c> (<c>sum</c> of the per-layer commitment losses,
/// or <c>mean</c> as SVQ-Forecasting did). Stateless and thread-safe.
/// </summary>
public sealed class ResidualVqQuantizerFactory : IQuantizerFactory
{
    /// <inheritdoc />
    public string Name => "rvq";

    /// <inheritdoc />
    public string Description => "Residual vector quantization: several EMA-codebook VQ layers on successive residuals, output = sum of codes.";

    /// <inheritdoc />
    public QuantizerOptions DefaultOptions(int dimension) => new QuantizerOptions
    {
        Kind = Name,
        Dimension = dimension,
        CodebookSize = ResidualVectorQuantizer.DefaultCodebookSize,
    }.With("num_quantizers", ResidualVectorQuantizer.DefaultQuantizers).With("shared_codebook", true);

    /// <inheritdoc />
    public IQuantizer Create(QuantizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ResidualVectorQuantizer(options);
    }
}
