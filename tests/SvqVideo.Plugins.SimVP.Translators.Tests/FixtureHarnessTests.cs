using System.Text.Json;
using SvqVideo.Testing;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>
/// The golden-fixture harness honours the metadata tests/fixtures/README.md defines, so a correct block passes any
/// valid fixture of a known kind: declared layouts, config arguments, integral numbers written as floats.
/// </summary>
public sealed class FixtureHarnessTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-fixture-harness-");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("N,C,H,W", "N,C,H,W")]
    [InlineData("N,dim,H,W", "N,C,H,W")]
    [InlineData("N,C_in,H,W (N = B*T frames)", "N,C,H,W")]
    [InlineData("B*T,hid_S,h,w", "N,C,H,W")]
    [InlineData("N,C_hid,h*2^(N_S/2),w*2^(N_S/2)", "N,C,H,W")]
    [InlineData("B,T,C,H,W", "N,T,C,H,W")]
    [InlineData("N,H,W,C", "N,H,W,C")]
    public void LayoutAxesAreReadByMeaning(string layout, string expected)
    {
        Assert.Equal(expected.Split(','), FixtureLayout.Parse(layout));
    }

    [Fact]
    public void ChannelsLastTensorsAreRearrangedBothWays()
    {
        using var stored = arange(2 * 5 * 4 * 3, dtype: float32).reshape(2, 5, 4, 3);
        using var fx = Write("layout", "{}", new() { ["input"] = stored, ["output"] = stored }, """{"input": "N,H,W,C", "output": "N,H,W,C"}""");
        using var scope = NewDisposeScope();
        var native = FixtureLayout.ToNative(fx, "input", FixtureBlocks.Axes);
        Assert.Equal([2L, 3, 5, 4], native.shape);
        Assert.Equal(stored[1, 4, 2, 0].item<float>(), native[1, 0, 4, 2].item<float>());
        Assert.True(FixtureLayout.ToFixture(fx, "output", native, FixtureBlocks.Axes).eq(stored).all().item<bool>());
    }

    [Fact]
    public void ALayoutThatIsNotAnOrderOfTheBlockAxesIsRejected()
    {
        using var stored = zeros(2, 3, 4);
        using var fx = Write("badlayout", "{}", new() { ["input"] = stored }, """{"input": "N,C,H"}""");
        var e = Assert.Throws<InvalidDataException>(() => FixtureLayout.ToNative(fx, "input", FixtureBlocks.Axes));
        Assert.Contains("'N,C,H'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AConfigArgumentTheBlockCannotTakeIsRejected()
    {
        using var input = zeros(1, 16, 4, 4);
        using var fx = Write("hornet_order5", """{"dim": 16, "mlp_ratio": 3, "order": 5}""", new() { ["input"] = input, ["output"] = input }, null, "simvp_hornet_subblock");
        var e = Assert.Throws<InvalidDataException>(() => FixtureBlocks.Build(fx));
        Assert.Contains("order", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IntegralArgumentsWrittenAsFloatsAreAccepted()
    {
        using var input = zeros(1, 24, 4, 4);
        using var fx = Write("convnext_float_dim", """{"dim": 24.0, "mlp_ratio": 3}""", new() { ["input"] = input, ["output"] = input }, null, "simvp_convnext_subblock");
        using var block = FixtureBlocks.Build(fx);
        Assert.Equal([72L, 24, 1, 1], block.state_dict()["mlp.fc1.weight"].shape);
    }

    private GoldenFixture Write(string name, string config, Dictionary<string, Tensor> tensors, string? layout, string kind = "simvp_convnext_subblock")
    {
        var meta = new Dictionary<string, string>
        {
            ["format"] = "svqvideo-golden-v1",
            ["kind"] = kind,
            ["config"] = config,
            ["inputs"] = JsonSerializer.Serialize(tensors.Keys.Where(k => k == "input").ToArray()),
            ["outputs"] = JsonSerializer.Serialize(tensors.Keys.Where(k => k == "output").ToArray()),
        };
        if (layout is not null)
        {
            meta["layout"] = layout;
        }

        string path = _dir.Combine(name + ".safetensors");
        SafeTensors.Write(path, tensors, meta);
        return GoldenFixture.Load(path);
    }
}
