using SvqVideo.Torch;

namespace SvqVideo.Plugins.Vq;

/// <summary>
/// Registry entry <c>vq</c>: classic lookup vector quantization with an EMA codebook
/// (vector-quantize-pytorch 1.12.5 <c>VectorQuantize</c>). Options: <see cref="QuantizerOptions.CodebookSize"/>
/// (default 512), <see cref="QuantizerOptions.Frozen"/> (no EMA update), <see cref="QuantizerOptions.Init"/>
/// (null/<c>uniform</c>, or <c>kmeans</c>); parameters <c>decay</c> (0.8), <c>eps</c> (1e-5),
/// <c>commitment_weight</c> (1.0), <c>threshold_ema_dead_code</c> (0 = off), <c>reset_cluster_size</c>
/// (= threshold), <c>kmeans_init</c> (false), <c>kmeans_iters</c> (10). Stateless and thread-safe.
/// </summary>
public sealed class VqQuantizerFactory : IQuantizerFactory
{
    /// <inheritdoc />
    public string Name => "vq";

    /// <inheritdoc />
    public string Description => "Vector quantization: nearest code of an EMA codebook, straight-through gradient, commitment loss (vector-quantize-pytorch 1.12.5).";

    /// <inheritdoc />
    public QuantizerOptions DefaultOptions(int dimension) => new()
    {
        Kind = Name,
        Dimension = dimension,
        CodebookSize = VqSettings.DefaultCodebookSize,
    };

    /// <inheritdoc />
    public IQuantizer Create(QuantizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new VectorQuantizer(options);
    }
}
