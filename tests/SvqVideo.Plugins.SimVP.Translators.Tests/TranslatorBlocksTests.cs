using SvqVideo.Testing;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>Dispatch by model_type, MetaBlock's choices and the constraints checked at construction.</summary>
public sealed class TranslatorBlocksTests
{
    public static TheoryData<string> ModelTypes()
    {
        var rows = new TheoryData<string>();
        foreach (var n in TranslatorBlocks.Names)
        {
            rows.Add(n);
        }

        return rows;
    }

    [Fact]
    public void NamesAreTheTenOpenStlMetaBlockTypesInLowerCase()
    {
        Assert.Equal(10, TranslatorBlocks.Names.Count);
        Assert.All(TranslatorBlocks.Names, n => Assert.Equal(n.ToLowerInvariant(), n));
        Assert.Equal(TranslatorBlocks.Names.Count, TranslatorBlocks.Names.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(ModelTypes))]
    public void ModelTypeIsMatchedCaseInsensitively(string modelType)
    {
        using var lower = TranslatorCases.Create(modelType, 1, 0.0);
        using var upper = TranslatorCases.Create(modelType.ToUpperInvariant(), 1, 0.0);
        Assert.Equal(lower.state_dict().Keys.Order(StringComparer.Ordinal), upper.state_dict().Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("gSTA", "gsta")]
    [InlineData("mlpmixer", "mlp")]
    [InlineData("moganet", "moga")]
    public void ReferenceSpellingsAndAliasesBuildTheSameBlock(string alias, string canonical)
    {
        using var a = TranslatorCases.Create(alias, 1, 0.0);
        using var b = TranslatorCases.Create(canonical, 1, 0.0);
        Assert.Equal(b.state_dict().Keys.Order(StringComparer.Ordinal), a.state_dict().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void UnknownModelTypeIsRejectedWithTheKnownNames()
    {
        var e = Assert.Throws<ArgumentException>(() => TranslatorCases.Create("resnet", 0, 0.0));
        Assert.Contains("'resnet'", e.Message, StringComparison.Ordinal);
        Assert.Contains("gsta, convmixer", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("swin")]
    [InlineData("vit")]
    public void SwinAndVitAreRejectedAsNotImplemented(string modelType)
    {
        var e = Assert.Throws<ArgumentException>(() => TranslatorCases.Create(modelType, 0, 0.0));
        Assert.Contains("not implemented", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(32, 48, 0, false)]
    [InlineData(48, 48, 1, true)]
    [InlineData(48, 32, 2, false)]
    [InlineData(48, 48, 0, false)]
    public void UniformerUsesSelfAttentionOnlyForEqualWidthsAfterTheFirstLayer(int cIn, int cOut, int layer, bool expectMhsa)
    {
        using var block = TranslatorBlocks.Create("uniformer", cIn, cOut, 4.0, 0.0, 0.0, (8, 8), layer);
        var keys = block.state_dict().Keys.ToHashSet(StringComparer.Ordinal);
        Assert.Equal(expectMhsa, keys.Contains("attn.qkv.weight"));
        Assert.Equal(!expectMhsa, keys.Contains("conv1.weight"));
    }

    [Fact]
    public void ConvMixerUsesTheKernelMetaBlockPasses()
    {
        using var block = TranslatorCases.Create("convmixer", 1, 0.0);
        Assert.Equal([TranslatorCases.Channels, 1, 11, 11], block.state_dict()["conv_dw.weight"].shape);
    }

    [Theory]
    [InlineData(32, 8)]
    [InlineData(48, 12)]
    [InlineData(40, 10)]
    [InlineData(96, 16)]
    public void TauSqueezeWidthIsChannelsOverMaxOfSixteenthAndFour(int channels, long expected)
    {
        using var block = TranslatorBlocks.Create("tau", channels, channels, 4.0, 0.0, 0.0, (8, 8), 1);
        Assert.Equal([expected, channels], block.state_dict()["attn.spatial_gating_unit.fc.0.weight"].shape);
    }

    [Fact]
    public void MlpMixerTokenHiddenWidthScalesWithChannels()
    {
        using var block = TranslatorBlocks.Create("mlp", 32, 32, 4.0, 0.0, 0.0, (4, 5), 1);
        Assert.Equal([16, 20], block.state_dict()["mlp_tokens.fc1.weight"].shape);
        Assert.Equal([128, 32], block.state_dict()["mlp_channels.fc1.weight"].shape);
    }

    [Fact]
    public void MlpMixerRejectsAnotherLatentSizeWithAClearMessage()
    {
        using var block = TranslatorBlocks.Create("mlp", 16, 16, 4.0, 0.0, 0.0, (4, 4), 1);
        using var x = randn(1, 16, 8, 8);
        var e = Assert.Throws<ArgumentException>(() => block.forward(x));
        Assert.Contains("4x4", e.Message, StringComparison.Ordinal);
        Assert.Contains("8x8", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hornet", 12, 12, 1)]
    [InlineData("moga", 12, 12, 1)]
    [InlineData("uniformer", 12, 12, 1)]
    public void ChannelCountsThatCannotBeSplitIntoEightAreRejected(string modelType, int cIn, int cOut, int layer)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => TranslatorBlocks.Create(modelType, cIn, cOut, 4.0, 0.0, 0.0, (8, 8), layer));
        Assert.Contains("12", e.Message, StringComparison.Ordinal);
        Assert.Contains("divisible by 8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UniformerConvLayerAcceptsChannelCountsNotDivisibleByEight()
    {
        using var block = TranslatorBlocks.Create("uniformer", 12, 20, 4.0, 0.0, 0.0, (8, 8), 0);
        Assert.Contains("conv1.weight", block.state_dict().Keys);
    }

    [Theory]
    [InlineData(0, 16, 4.0, 0.0, 0.0, 0, "inChannels")]
    [InlineData(16, 0, 4.0, 0.0, 0.0, 0, "outChannels")]
    [InlineData(16, 16, 0.0, 0.0, 0.0, 0, "mlp_ratio")]
    [InlineData(16, 16, 4.0, 1.5, 0.0, 0, "drop")]
    [InlineData(16, 16, 4.0, 0.0, -0.1, 0, "drop_path")]
    [InlineData(16, 16, 4.0, 0.0, 0.0, -1, "layerIndex")]
    public void InvalidArgumentsAreRejectedNamingTheArgument(int cIn, int cOut, double mlpRatio, double drop, double dropPath, int layer, string named)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => TranslatorBlocks.Create("gsta", cIn, cOut, mlpRatio, drop, dropPath, (8, 8), layer));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gsta", "layer_scale_1", 1e-2)]
    [InlineData("van", "layer_scale_1", 1e-2)]
    [InlineData("tau", "layer_scale_2", 1e-2)]
    [InlineData("poolformer", "layer_scale_1", 1e-5)]
    [InlineData("moga", "layer_scale_2", 1e-5)]
    [InlineData("moga", "attn.sigma", 1e-5)]
    [InlineData("hornet", "gamma1", 1e-6)]
    [InlineData("convnext", "gamma", 1e-6)]
    [InlineData("uniformer", "gamma_1", 1e-6)]
    public void LayerScalesStartAtTheValuesMetaBlockGives(string modelType, string key, double value)
    {
        using var block = TranslatorCases.Create(modelType, 1, 0.0);
        var t = block.state_dict()[key];
        Assert.True(t.eq(full(t.shape, value, dtype: t.dtype)).all().item<bool>(), $"{modelType}.{key} does not start at {value}");
    }

    [Fact]
    public void BlocksOfTheModelFixturesHaveTheReferenceKeysAndLoadStrictly()
    {
        var files = Fixtures.Find(k => k == "simvp");
        int checkedBlocks = 0;
        foreach (var file in files)
        {
            using var fx = GoldenFixture.Load(file);
            var c = new FixtureConfig(fx.Config, fx.Name);
            var modelType = c.String("model_type");
            if (!TranslatorBlocks.Names.Contains(modelType.ToLowerInvariant()))
            {
                continue;
            }

            int[] inShape = c.Ints("in_shape");
            int t = inShape[0], h = inShape[2], w = inShape[3];
            int hidS = c.Int("hid_S"), hidT = c.Int("hid_T"), nS = c.Int("N_S"), nT = c.Int("N_T");
            int down = 1 << (nS / 2);
            var state = fx.ModelState();
            for (int j = 0; j < nT; j++)
            {
                int cIn = j == 0 ? t * hidS : hidT;
                int cOut = j == nT - 1 ? t * hidS : hidT;
                using var block = TranslatorBlocks.Create(modelType, cIn, cOut, c.Double("mlp_ratio"), c.Double("drop"), c.Double("drop_path"), (h / down, w / down), j);
                string prefix = $"hid.enc.{j}.block.";
                var blockState = state.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                    .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);
                Checkpoint.LoadInto(block, blockState);
                checkedBlocks++;
            }
        }

        Assert.True(checkedBlocks > 0, "no simvp fixture with a MetaBlock translator was found");
    }

    [Theory]
    [InlineData("gsta", 3)]
    [InlineData("gsta", 13)]
    [InlineData("gsta", 21)]
    [InlineData("tau", 9)]
    [InlineData("convmixer", 8)]
    [InlineData("convmixer", 9)]
    public void OtherKernelSizesKeepTheSpatialSize(string block, int kernelSize)
    {
        using nn.Module<Tensor, Tensor> module = block switch
        {
            "gsta" => new GASubBlock(16, kernelSize, 2.0, 0.0, 0.0),
            "tau" => TauSubBlock.Create(16, kernelSize, 2.0),
            _ => new ConvMixerSubBlock(16, kernelSize),
        };
        module.eval();
        using var scope = NewDisposeScope();
        var x = randn(2, 16, 7, 9);
        Assert.Equal(x.shape, module.forward(x).shape);
    }

    [Theory]
    [InlineData(21, 5, 2, 7, 9)]
    [InlineData(13, 5, 2, 3, 3)]
    [InlineData(3, 5, 2, 1, 0)]
    public void LargeKernelDecompositionFollowsTheReferenceRule(int kernelSize, int dk, int dp, int ddk, int ddp)
    {
        Assert.Equal((dk, dp, ddk, ddp), LargeKernelGeometry.Of(kernelSize, 3));
    }
}
