using SvqVideo.Plugins.Fsq;
using SvqVideo.Plugins.Identity;
using SvqVideo.Plugins.Lfq;
using SvqVideo.Plugins.Svq;
using SvqVideo.Plugins.Vq;
using SvqVideo.Quantizers.Conformance;
using SvqVideo.Testing;

namespace SvqVideo.Quantizers.Tests.Conformance;

public sealed class ConformanceCoverageTests
{
    [Fact]
    public void EveryQuantizerFactoryInThePluginAssembliesHasAConformanceSuite()
    {
        var assemblies = ConformanceCoverage.PluginAssemblies(Fixtures.RepositoryRoot);
        var factories = ConformanceCoverage.FactoryTypeNames(assemblies);
        var ours = new[]
        {
            typeof(SvqQuantizerFactory), typeof(VqQuantizerFactory), typeof(ResidualVqQuantizerFactory),
            typeof(LfqQuantizerFactory), typeof(FsqQuantizerFactory), typeof(IdentityQuantizerFactory),
        };
        foreach (var type in ours)
        {
            Assert.True(factories.Contains(type.FullName!), $"the scan of {assemblies.Count} plugin assemblies did not find {type.FullName}; found: {string.Join(", ", factories)}");
        }

        var missing = ConformanceCoverage.FactoriesWithoutSuite(factories, typeof(ConformanceCoverageTests).Assembly);
        Assert.True(missing.Count == 0, $"quantizer factories without a conformance test class (derive one from QuantizerConformanceTests<TFactory>): {string.Join(", ", missing)}");
    }

    [Fact]
    public void TheCoverageCheckReportsAFactoryWithoutASuite()
    {
        var missing = ConformanceCoverage.FactoriesWithoutSuite(["SvqVideo.Plugins.Svq.SvqQuantizerFactory", "Somebody.Else.UncoveredQuantizerFactory"], typeof(ConformanceCoverageTests).Assembly);
        Assert.Equal(["Somebody.Else.UncoveredQuantizerFactory"], missing);
    }
}
