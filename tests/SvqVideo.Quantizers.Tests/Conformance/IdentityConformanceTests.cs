using SvqVideo.Plugins.Identity;
using SvqVideo.Quantizers.Conformance;

namespace SvqVideo.Quantizers.Tests.Conformance;

public sealed class IdentityConformanceTests : QuantizerConformanceTests<IdentityQuantizerFactory>
{
}
