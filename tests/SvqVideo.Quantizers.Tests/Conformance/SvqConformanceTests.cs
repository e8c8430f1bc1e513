using SvqVideo.Plugins.Svq;
using SvqVideo.Quantizers.Conformance;
using SvqVideo.Torch;

namespace SvqVideo.Quantizers.Tests.Conformance;

public sealed class SvqConformanceTests : CodebookQuantizerConformanceTests<SvqQuantizerFactory>
{
    protected override QuantizerOptions CreateOptions() => base.CreateOptions() with { CodebookSize = 300 };

    protected override IReadOnlyList<string> CodebookKeys(IQuantizer quantizer) => ["codebook"];
}
