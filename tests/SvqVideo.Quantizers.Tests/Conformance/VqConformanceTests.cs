using SvqVideo.Plugins.Vq;
using SvqVideo.Quantizers.Conformance;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Quantizers.Tests.Conformance;

public sealed class VqConformanceTests : EmaCodebookConformanceTests<VqQuantizerFactory>
{
    protected override QuantizerOptions CreateOptions() => base.CreateOptions() with { CodebookSize = 16 };

    protected override IReadOnlyList<string> CodebookKeys(IQuantizer quantizer) => ["_codebook.embed", "_codebook.embed_avg", "_codebook.cluster_size"];

    protected override Tensor FirstCodebook(IQuantizer quantizer) => ((VectorQuantizer)quantizer).Codebook.Embed;

    protected override Tensor FirstIndices(QuantizerOutput output) => output.Indices!;
}
