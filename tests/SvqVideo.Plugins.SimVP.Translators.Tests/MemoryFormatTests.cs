using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>
/// Blocks hand NCHW-contiguous tensors to their convolutions and to the next layer. libtorch chooses a convolution's
/// kernels by its input's memory format, and only a channels-last input reaches oneDNN's channels-last kernels, which
/// no other part of the model uses (docs/translators.md, "Memory format").
/// </summary>
public sealed class MemoryFormatTests
{
    [Fact]
    public void ChannelLayerNormReturnsAContiguousNchwTensor()
    {
        using var norm = new ChannelLayerNorm(24, 1e-6);
        using var scope = NewDisposeScope();
        var y = norm.forward(randn(2, 24, 5, 7));
        Assert.Equal([2L, 24, 5, 7], y.shape);
        Assert.True(y.is_contiguous(), "the LayerNorm2d output is a channels-last view");
    }

    [Theory]
    [MemberData(nameof(TranslatorCases.WithoutDevices), MemberType = typeof(TranslatorCases))]
    public void EveryBlockReturnsAContiguousNchwTensor(string modelType, int layerIndex)
    {
        using var block = TranslatorCases.Create(modelType, layerIndex, 0.0);
        block.eval();
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var y = block.forward(randn(2, TranslatorCases.Channels, TranslatorCases.Height, TranslatorCases.Width));
        Assert.True(y.is_contiguous(), $"{modelType} (layer {layerIndex}) returns a non-contiguous tensor");
    }
}
