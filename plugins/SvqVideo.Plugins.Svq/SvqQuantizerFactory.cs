using SvqVideo.Torch;

namespace SvqVideo.Plugins.Svq;

/// <summary>
/// Registry entry <c>svq</c>: the differentiable sparse vector quantizer of Chen et al. (2024),
/// state-dict compatible with the official SVQ-Forecasting module. Options: <see cref="QuantizerOptions.CodebookSize"/>
/// (default 10000), <see cref="QuantizerOptions.Frozen"/>, <see cref="QuantizerOptions.Init"/> (default kaiming);
/// parameters <c>middim</c> (128), <c>nonlinear</c> (true), <c>hid_relu</c> (true), <c>out_relu</c> (false),
/// <c>fast_path</c> (true), <c>diagnostic_tokens</c> (4096). Stateless and thread-safe.
/// </summary>
public sealed class SvqQuantizerFactory : IQuantizerFactory
{
    /// <inheritdoc />
    public string Name => "svq";

    /// <inheritdoc />
    public string Description => "Sparse vector quantization (SVQ): an MLP produces sparse regression weights over a large codebook; fully differentiable, no aux loss.";

    /// <inheritdoc />
    public QuantizerOptions DefaultOptions(int dimension) => new()
    {
        Kind = Name,
        Dimension = dimension,
        CodebookSize = SvqSettings.DefaultCodebookSize,
        Init = "kaiming",
    };

    /// <inheritdoc />
    public IQuantizer Create(QuantizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SvqQuantizer(options);
    }
}
