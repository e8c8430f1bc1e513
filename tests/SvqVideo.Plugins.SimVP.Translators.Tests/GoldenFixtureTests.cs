using TorchSharp;
using Xunit.Abstractions;
using SvqVideo.Testing;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>
/// Every block-level golden fixture (gSTA's GASubBlock, gInception_ST and each MetaFormer sub-block)
/// is rebuilt from its config, loaded strictly and compared at its own tolerance, on every device.
/// </summary>
public sealed class GoldenFixtureTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> BlockFixtures() => Fixtures.OnDevices(FixtureBlocks.IsBlockKind);

    [Fact]
    public void TheFixtureFolderHoldsBlockFixtures()
    {
        Assert.NotEmpty(Fixtures.Find(FixtureBlocks.IsBlockKind));
    }

    [SkippableTheory]
    [MemberData(nameof(BlockFixtures))]
    public void BlockReproducesTheReferenceOutputs(string file, string deviceName)
    {
        var device = TestDevices.Require(deviceName);
        using var fx = Fixtures.Load(file);
        using var block = FixtureBlocks.Build(fx);
        fx.LoadInto(block);
        block.to(device);
        block.eval();

        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        Assert.Single(fx.Inputs);
        var actual = block.forward(fx[fx.Inputs[0]].to(device));
        fx.AssertOutputs(fx.Outputs.ToDictionary(name => name, _ => actual), $"on {deviceName}", output);
    }
}
