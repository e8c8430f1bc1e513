using SvqVideo.Plugins.Fsq;
using SvqVideo.Quantizers.Conformance;

namespace SvqVideo.Quantizers.Tests.Conformance;

/// <summary>FSQ with projections (Dimension 8 ≠ 4 levels) and without (Dimension = 4).</summary>
public sealed class FsqConformanceTests : QuantizerConformanceTests<FsqQuantizerFactory>
{
}

public sealed class FsqWithoutProjectionConformanceTests : QuantizerConformanceTests<FsqQuantizerFactory>
{
    protected override int Dimension => 4;
}
