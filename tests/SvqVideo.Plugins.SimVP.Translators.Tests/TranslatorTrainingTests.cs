using SvqVideo.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>Training-mode behaviour of every translator block: gradients, stochastic depth, determinism in eval.</summary>
public sealed class TranslatorTrainingTests
{
    public static TheoryData<string, int, string> AllBlocks() => TranslatorCases.WithDevices();

    public static TheoryData<string, int> AllBlocksOnce() => TranslatorCases.WithoutDevices();

    public static TheoryData<string, int, string> BlocksWithDropPath() => TranslatorCases.WithDevices(withDropPathOnly: true);

    [SkippableTheory]
    [MemberData(nameof(AllBlocks))]
    public void EveryParameterReceivesAGradientAndTheShapeIsKept(string modelType, int layerIndex, string deviceName)
    {
        var device = TestDevices.Require(deviceName);
        manual_seed(1);
        using var block = TranslatorCases.Create(modelType, layerIndex, dropPath: 0.0);
        block.to(device);
        block.train();

        using var scope = NewDisposeScope();
        var x = randn(4, TranslatorCases.Channels, TranslatorCases.Height, TranslatorCases.Width, device: device);
        var y = block.forward(x);
        Assert.Equal(x.shape, y.shape);
        var projection = randn(y.shape, device: device);
        (y * projection).sum().backward();

        foreach (var (name, p) in block.named_parameters())
        {
            Assert.True(p.device_type == device.type, $"{modelType}: parameter {name} is on {p.device_type}, not {device.type}");
            var grad = p.grad;
            Assert.True(grad is not null, $"{modelType}: parameter {name} has no gradient");
            Assert.True(grad.abs().sum().item<float>() > 0, $"{modelType}: parameter {name} has an all-zero gradient");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(BlocksWithDropPath))]
    public void DropPathVariesTrainingOutputsButEvalOutputsRepeat(string modelType, int layerIndex, string deviceName)
    {
        var device = TestDevices.Require(deviceName);
        manual_seed(2);
        using var block = TranslatorCases.Create(modelType, layerIndex, dropPath: 0.5);
        block.to(device);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        // Layer scales start at 1e-5..1e-6 in some blocks, which hides a dropped branch below float32
        // resolution; at 1 every residual branch visibly contributes.
        foreach (var (name, p) in block.named_parameters())
        {
            if (name.StartsWith("layer_scale", StringComparison.Ordinal) || name.StartsWith("gamma", StringComparison.Ordinal))
            {
                p.fill_(1.0);
            }
        }

        var x = randn(8, TranslatorCases.Channels, TranslatorCases.Height, TranslatorCases.Width, device: device);
        block.train();
        var train1 = block.forward(x);
        var train2 = block.forward(x);
        Assert.False(train1.eq(train2).all().item<bool>(), $"{modelType}: two training-mode forwards with drop_path 0.5 gave identical outputs");

        block.eval();
        var eval1 = block.forward(x);
        var eval2 = block.forward(x);
        Assert.True(eval1.eq(eval2).all().item<bool>(), $"{modelType}: eval-mode forwards differ");
    }

    [Fact]
    public void ConvMixerHasNoStochasticDepthSoTrainingOutputsRepeat()
    {
        using var block = TranslatorCases.Create("convmixer", 1, dropPath: 0.5);
        block.train();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(8, TranslatorCases.Channels, TranslatorCases.Height, TranslatorCases.Width);
        Assert.True(block.forward(x).eq(block.forward(x)).all().item<bool>());
    }

    [Theory]
    [MemberData(nameof(AllBlocksOnce))]
    public void EveryParameterUsesTheDefaultFloatType(string modelType, int layerIndex)
    {
        using var block = TranslatorCases.Create(modelType, layerIndex, dropPath: 0.0);
        foreach (var (name, p) in block.named_parameters())
        {
            Assert.True(p.dtype == get_default_dtype(), $"{modelType}: {name} is {p.dtype}");
        }
    }

    [Theory]
    [MemberData(nameof(AllBlocksOnce))]
    public void NormalisationLayersStartAtWeightOneAndBiasZero(string modelType, int layerIndex)
    {
        using var block = TranslatorCases.Create(modelType, layerIndex, dropPath: 0.0);
        foreach (var module in block.modules().Where(m => m is TorchSharp.Modules.GroupNorm or TorchSharp.Modules.BatchNorm2d or TorchSharp.Modules.LayerNorm or ChannelLayerNorm))
        {
            foreach (var (name, p) in module.named_parameters())
            {
                double expected = name == "weight" ? 1.0 : 0.0;
                Assert.True(p.eq(expected).all().item<bool>(), $"{modelType}: a {module.GetName()} {name} does not start at {expected}");
            }
        }
    }
}
