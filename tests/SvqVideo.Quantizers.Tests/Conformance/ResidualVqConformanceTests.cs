using SvqVideo.Plugins.Vq;
using SvqVideo.Quantizers.Conformance;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Quantizers.Tests.Conformance;

/// <summary>Residual VQ with separate codebooks, so that the first layer's codebook moves only with the first layer's assignments.</summary>
public sealed class ResidualVqConformanceTests : EmaCodebookConformanceTests<ResidualVqQuantizerFactory>
{
    protected override QuantizerOptions CreateOptions() =>
        (base.CreateOptions() with { CodebookSize = 16 }).With("num_quantizers", 3).With("shared_codebook", false);

    protected override IReadOnlyList<string> CodebookKeys(IQuantizer quantizer) =>
        [.. Enumerable.Range(0, 3).SelectMany(i => new[] { $"layers.{i}._codebook.embed", $"layers.{i}._codebook.embed_avg", $"layers.{i}._codebook.cluster_size" })];

    protected override Tensor FirstCodebook(IQuantizer quantizer) => ((ResidualVectorQuantizer)quantizer).Layers[0].Codebook.Embed;

    protected override Tensor FirstIndices(QuantizerOutput output) => output.Indices![.., .., .., 0];
}

/// <summary>Residual VQ with the default shared codebook (the paper's Table 4 setting).</summary>
public sealed class SharedResidualVqConformanceTests : CodebookQuantizerConformanceTests<ResidualVqQuantizerFactory>
{
    protected override QuantizerOptions CreateOptions() => (base.CreateOptions() with { CodebookSize = 16 }).With("num_quantizers", 3);

    protected override IReadOnlyList<string> CodebookKeys(IQuantizer quantizer) => ["layers.0._codebook.embed", "layers.0._codebook.embed_avg", "layers.0._codebook.cluster_size"];
}
