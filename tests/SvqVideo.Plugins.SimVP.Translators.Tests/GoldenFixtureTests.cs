using SvqVideo.Testing;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>
/// Every block-level golden fixture (gSTA's GASubBlock, gInception_ST and each MetaFormer sub-block), the shared ones
/// and those in tests/fixtures/generated, is rebuilt from its config, loaded strictly and compared at its own
/// tolerance, on every device. The fixture's metadata is honoured: its one input by name, converted to the block's
/// dtype and rearranged from the declared layout; every listed output by name, in the declared layout.
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
        string input = Assert.Single(fx.Inputs);
        var dtype = block.parameters().First().dtype;
        var y = block.forward(FixtureLayout.ToNative(fx, input, FixtureBlocks.Axes).to(dtype, device));
        fx.AssertOutputs(new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["output"] = y }, $"on {deviceName}", output, _ => FixtureBlocks.Axes);
    }
}
