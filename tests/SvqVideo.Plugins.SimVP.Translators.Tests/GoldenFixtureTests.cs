using TorchSharp;
using Xunit.Abstractions;
using SvqVideo.Testing;
using SvqVideo.Torch;
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
    public static TheoryData<string, string> BlockFixtures()
    {
        var rows = new TheoryData<string, string>();
        foreach (var file in Fixtures.Find(FixtureBlocks.IsBlockKind))
        {
            foreach (var device in TestDevices.Names)
            {
                rows.Add(Fixtures.RelativePath(file), device);
            }
        }

        return rows;
    }

    [Fact]
    public void TheFixtureFolderHoldsBlockFixtures()
    {
        Assert.NotEmpty(Fixtures.Find(FixtureBlocks.IsBlockKind));
    }

    [SkippableTheory]
    [MemberData(nameof(BlockFixtures))]
    public void BlockReproducesTheReferenceOutputs(string file, string deviceName)
    {
        Skip.IfNot(TestDevices.IsAvailable(deviceName), TestDevices.NoCudaReason);
        var device = TorchDevices.Resolve(deviceName);
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
        var produced = new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["output"] = FixtureLayout.ToFixture(fx, "output", y, FixtureBlocks.Axes) };
        Assert.NotEmpty(fx.Outputs);
        foreach (var name in fx.Outputs)
        {
            Assert.True(produced.TryGetValue(name, out var actual), $"{fx.Name}: a block produces only 'output', the fixture expects '{name}'");
            output.WriteLine($"{fx.Name}/{name} on {deviceName}: max |diff| {TensorAssert.MaxAbsDiff(fx[name], actual):g3} (atol {fx.Atol:g3}, rtol {fx.Rtol:g3})");
            TensorAssert.Close(fx[name], actual, fx.Atol, fx.Rtol, $"{fx.Name}/{name} on {deviceName}");
        }
    }
}
