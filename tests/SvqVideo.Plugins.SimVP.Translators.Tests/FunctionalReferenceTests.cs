using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>
/// Fixture-free checks of every block MetaBlock builds: each model_type at several widths and MLP ratios (including
/// the 24/40 channels with mlp_ratio 3 that no shared fixture covers), with every parameter and norm statistic
/// redrawn at random, compared with the block's formula computed independently in float64
/// (<see cref="TranslatorReference"/>).
/// </summary>
public sealed class FunctionalReferenceTests
{
    private const int Height = 7;
    private const int Width = 5;

    /// <summary>(dim, mlp_ratio) pairs every block accepts (multiples of 8, as HorNet, Moga and UniFormer's MHSA need).</summary>
    private static readonly (int Dim, double Ratio)[] Widths = [(8, 4.0), (16, 2.0), (24, 3.0), (40, 3.0), (56, 2.5)];

    /// <summary>Widths only the blocks without a divisibility rule accept.</summary>
    private static readonly (int Dim, double Ratio)[] OddWidths = [(12, 1.5), (20, 8.0)];

    private static readonly string[] AnyWidth = ["gsta", "van", "tau", "convmixer", "poolformer", "convnext", "mlp"];

    public static TheoryData<string, int, double, int, int> Blocks()
    {
        var rows = new TheoryData<string, int, double, int, int>();
        foreach (var type in TranslatorBlocks.Names)
        {
            var widths = AnyWidth.Contains(type) ? Widths.Concat(OddWidths) : Widths;
            foreach (var (dim, ratio) in widths)
            {
                // Layer 1 at equal widths; UniFormer also as layer 0 with a reduction after it, which makes it 'Conv'.
                rows.Add(type, dim, ratio, 1, dim);
                if (type == "uniformer")
                {
                    rows.Add(type, dim, ratio, 0, dim + 8);
                }
            }
        }

        rows.Add("tau", 80, 2.0, 1, 80); // C // 16 = 5 > 4: the SE width is 80 // 5 = 16
        return rows;
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void MetaBlockTypeComputesItsReferenceFormula(string modelType, int dim, double mlpRatio, int layerIndex, int outChannels)
    {
        using var block = TranslatorBlocks.Create(modelType, dim, outChannels, mlpRatio, drop: 0.0, dropPath: 0.0, (Height, Width), layerIndex);
        block.eval();
        using var scope = NewDisposeScope();
        long seed = (1000 * Array.IndexOf([.. TranslatorBlocks.Names], modelType)) + (10 * dim) + layerIndex;
        var w = Functional.Randomise(block, seed);
        var x = Functional.Input(seed + 1, 2, dim, Height, Width);
        var expected = TranslatorReference.Block(modelType, x.to(float64), w, outChannels, layerIndex);

        if (HiddenKey(modelType) is { } key)
        {
            Assert.Equal((long)Math.Floor(dim * mlpRatio), w[key].shape[0]);
        }

        using var mode = inference_mode();
        Functional.AssertClose(expected, block.forward(x), $"{modelType} dim {dim} mlp_ratio {mlpRatio} layer {layerIndex}");
    }

    [Theory]
    [InlineData(16, 2.0, 21)]
    [InlineData(24, 3.0, 13)]
    [InlineData(40, 3.0, 9)]
    [InlineData(32, 8.0, 15)]
    public void GaSubBlockComputesItsReferenceFormulaAtOtherKernelSizes(int dim, double mlpRatio, int kernelSize)
    {
        using var block = new GASubBlock(dim, kernelSize, mlpRatio, drop: 0.0, dropPath: 0.0, initValue: 1e-2);
        block.eval();
        using var scope = NewDisposeScope();
        var w = Functional.Randomise(block, 500 + kernelSize);
        var x = Functional.Input(600 + kernelSize, 2, dim, 9, 6);
        var expected = GatedAttentionReference.GaSubBlock(x.to(float64), w, kernelSize);

        using var mode = inference_mode();
        Functional.AssertClose(expected, block.forward(x), $"GASubBlock dim {dim} mlp_ratio {mlpRatio} kernel {kernelSize}");
    }

    [Theory]
    [InlineData(16, 9)]
    [InlineData(24, 11)]
    public void ConvMixerComputesItsReferenceFormulaAtTheClassDefaultKernel(int dim, int kernelSize)
    {
        using var block = new ConvMixerSubBlock(dim, kernelSize);
        block.eval();
        using var scope = NewDisposeScope();
        var w = Functional.Randomise(block, 700 + kernelSize);
        var x = Functional.Input(800 + kernelSize, 1, dim, 6, 9);

        using var mode = inference_mode();
        Functional.AssertClose(ConvBlockReference.ConvMixer(x.to(float64), w, kernelSize), block.forward(x), $"ConvMixer dim {dim} kernel {kernelSize}");
    }

    [Theory]
    [InlineData(32, 16, 32, 8)]
    [InlineData(20, 12, 24, 8)] // 12 is not divisible by 8: groups fall back to 1
    [InlineData(40, 24, 40, 8)]
    [InlineData(24, 20, 16, 4)]
    [InlineData(12, 6, 8, 2)]
    public void GInceptionStComputesItsReferenceFormula(int cIn, int cHid, int cOut, int groups)
    {
        foreach (int[] kernels in new[] { InceptionReference.Kernels, [3, 5] })
        {
            using var block = new GInceptionST(cIn, cHid, cOut, kernels, groups);
            block.eval();
            using var scope = NewDisposeScope();
            var w = Functional.Randomise(block, 900 + cIn + kernels.Length);
            var x = Functional.Input(950 + cIn, 2, cIn, 8, 6);
            var expected = InceptionReference.GInceptionSt(x.to(float64), w, kernels, groups);

            using var mode = inference_mode();
            Functional.AssertClose(expected, block.forward(x), $"gInception_ST {cIn}/{cHid}/{cOut} groups {groups} kernels [{string.Join(",", kernels)}]");
        }
    }

    /// <summary>The first layer of the block's MLP, whose width is Python's int(dim · mlp_ratio); none for ConvMixer.</summary>
    private static string? HiddenKey(string modelType) => modelType switch
    {
        "convmixer" => null,
        "hornet" => "pwconv1.weight",
        "mlp" => "mlp_channels.fc1.weight",
        _ => "mlp.fc1.weight",
    };
}
