
namespace SvqVideo.Plugins.SimVP.Tests;

/// <summary>The model factory's defaults and its one-line rejections of invalid configurations.</summary>
public sealed class FactoryTests
{
    [Fact]
    public void DefaultConfigHoldsOpenSTLsDefaults()
    {
        var factory = new SimVPModelFactory();
        var c = factory.DefaultConfig(10, 20, 1, 64, 64);
        Assert.Equal("simvp", factory.Name);
        Assert.Equal("simvp", c.Family);
        Assert.Equal((10, 20, 1, 64, 64), (c.FramesIn, c.FramesOut, c.Channels, c.Height, c.Width));
        Assert.Equal(16, c.GetInt("hid_S", 0));
        Assert.Equal(256, c.GetInt("hid_T", 0));
        Assert.Equal(4, c.GetInt("N_S", 0));
        Assert.Equal(4, c.GetInt("N_T", 0));
        Assert.Equal("gSTA", c.GetString("model_type"));
        Assert.Equal(8.0, c.GetDouble("mlp_ratio", 0));
        Assert.Equal(0.0, c.GetDouble("drop", 1));
        Assert.Equal(0.0, c.GetDouble("drop_path", 1));
        Assert.Equal(3, c.GetInt("spatio_kernel_enc", 0));
        Assert.Equal(3, c.GetInt("spatio_kernel_dec", 0));
        Assert.Equal("pre", c.GetString("quantizer_placement"));
    }

    [Fact]
    public void DefaultModelBuildsInTrainingModeAndForecastsItsFramesPerPass()
    {
        var factory = new SimVPModelFactory();
        using var model = factory.Create(factory.DefaultConfig(2, 2, 1, 16, 16).With("hid_T", 32), null);
        Assert.True(model.Module.training);
        Assert.Equal(2, model.FramesPerPass);
        Assert.Null(model.Quantizer);
    }

    [Fact]
    public void ModelTypeIsCaseInsensitive()
    {
        using var upper = SmallModels.Create("GSTA");
        using var lower = SmallModels.Create("incepu");
        Assert.Contains("hid.enc.0.block.norm1.weight", upper.Module.state_dict().Keys);
        Assert.Contains("hid.dec.0.conv1.weight", lower.Module.state_dict().Keys);
    }

    [Theory]
    [InlineData("N_S", "3", "N_S")]
    [InlineData("hid_S", "7", "hid_S")]
    [InlineData("N_T", "1", "N_T")]
    [InlineData("mlp_ratio", "1", "mlp_ratio")]
    [InlineData("spatio_kernel_enc", "4", "spatio_kernel")]
    [InlineData("quantizer_placement", "middle", "quantizer_placement")]
    [InlineData("model_type", "swin", "swin")]
    [InlineData("model_type", "resnet", "resnet")]
    [InlineData("hid_T", "many", "hid_T")]
    [InlineData("hidS", "16", "unknown simvp parameter 'hidS'")]
    public void InvalidParametersAreRejectedWithAMessageNamingThem(string name, string value, string expected)
    {
        var config = SmallModels.Config().With(name, value);
        var e = Assert.ThrowsAny<ArgumentException>(() => new SimVPModelFactory().Create(config, null));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void FrameSizeTheEncoderCannotHalveIsRejected()
    {
        var config = SmallModels.Config() with { Height = 30 };
        var e = Assert.Throws<ArgumentException>(() => new SimVPModelFactory().Create(config.With("N_S", 4), null));
        Assert.Contains("divisible by 2^(N_S/2) = 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherFamilyIsRejected()
    {
        var config = SmallModels.Config() with { Family = "convlstm" };
        var e = Assert.Throws<ArgumentException>(() => new SimVPModelFactory().Create(config, null));
        Assert.Contains("'convlstm' is not simvp", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QuantizerOfAnotherDimensionIsRejected()
    {
        using var svq = SmallModels.Svq();
        var config = SmallModels.Config().With("hid_S", 16);
        var e = Assert.Throws<ArgumentException>(() => new SimVPModelFactory().Create(config, svq));
        Assert.Contains("dimension 8", e.Message, StringComparison.Ordinal);
        Assert.Contains("hid_S = 16", e.Message, StringComparison.Ordinal);
    }
}
