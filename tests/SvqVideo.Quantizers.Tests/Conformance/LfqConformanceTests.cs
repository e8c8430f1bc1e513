using SvqVideo.Plugins.Lfq;
using SvqVideo.Quantizers.Conformance;
using SvqVideo.Torch;

namespace SvqVideo.Quantizers.Tests.Conformance;

/// <summary>LFQ with projections (Dimension 8 ≠ 6 bits) and without (Dimension = bits).</summary>
public sealed class LfqConformanceTests : QuantizerConformanceTests<LfqQuantizerFactory>
{
    protected override QuantizerOptions CreateOptions() => base.CreateOptions() with { CodebookSize = 64 };
}

public sealed class LfqWithoutProjectionConformanceTests : QuantizerConformanceTests<LfqQuantizerFactory>
{
    protected override int Dimension => 6;

    protected override QuantizerOptions CreateOptions() => base.CreateOptions() with { CodebookSize = 64 };
}
