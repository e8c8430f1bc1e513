using SvqVideo.Plugins.SimVP.Translators;
using SvqVideo.Plugins.SimVP.Translators.Tests;
using SvqVideo.Testing;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Tests;

/// <summary>
/// Fixture-free checks of the translator stacks: MidMetaNet for every model_type and MidIncepNet at several depths N_T
/// and widths (T·hid_S ≠ hid_T, so the first and last blocks reduce, and T·hid_S = hid_T, so none does), every
/// parameter and norm statistic randomised, against the float64 references of the block tests
/// (<see cref="TranslatorReference"/>, <see cref="InceptionReference"/>).
/// </summary>
public sealed class TranslatorStackFunctionalTests(ITestOutputHelper output)
{
    private const int Height = 6;
    private const int Width = 4;

    /// <summary>(T·hid_S, hid_T, mlp_ratio, N_T).</summary>
    private static readonly (int ChannelIn, int ChannelHid, double Ratio, int Depth)[] MetaShapes =
        [(24, 40, 3.0, 2), (40, 24, 2.0, 4), (16, 16, 2.5, 3)];

    public static TheoryData<string, int, int, double, int> MetaStacks()
    {
        var rows = new TheoryData<string, int, int, double, int>();
        foreach (var type in TranslatorBlocks.Names)
        {
            foreach (var (cIn, cHid, ratio, depth) in MetaShapes)
            {
                rows.Add(type, cIn, cHid, ratio, depth);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(MetaStacks))]
    public void MidMetaNetComputesTheStackOfItsBlocks(string modelType, int channelIn, int channelHid, double mlpRatio, int depth)
    {
        using var net = new MidMetaNet(channelIn, channelHid, depth, modelType, mlpRatio, drop: 0.0, dropPath: 0.1, (Height, Width));
        net.eval();
        using var scope = NewDisposeScope();
        long seed = (100 * Array.IndexOf([.. TranslatorBlocks.Names], modelType)) + (10 * depth) + channelIn;
        var w = Functional.Randomise(net, seed);
        var x = Functional.Input(seed + 1, 2, channelIn, Height, Width);
        var expected = TranslatorReference.MidMetaNet(modelType, x.to(float64), w, depth, channelIn, channelHid);

        using var mode = inference_mode();
        Check(expected, net.forward(x), $"MidMetaNet {modelType} {channelIn}/{channelHid} mlp_ratio {mlpRatio} N_T {depth}");
    }

    [Theory]
    [InlineData(24, 32, 2)]
    [InlineData(24, 32, 3)]
    [InlineData(40, 24, 4)] // hid_T/2 = 12 is not divisible by 8: every block falls back to one group
    [InlineData(16, 16, 5)]
    public void MidIncepNetComputesItsUShapedStack(int channelIn, int channelHid, int depth)
    {
        using var net = new MidIncepNet(channelIn, channelHid, depth);
        net.eval();
        using var scope = NewDisposeScope();
        var w = Functional.Randomise(net, 3000 + (10 * depth) + channelIn);
        var x = Functional.Input(3100 + depth, 2, channelIn, Height, Width);
        var expected = InceptionReference.MidIncepNet(x.to(float64), w, depth);

        using var mode = inference_mode();
        Check(expected, net.forward(x), $"MidIncepNet {channelIn}/{channelHid} N_T {depth}");
    }

    private void Check(Tensor expected, Tensor actual, string what)
    {
        output.WriteLine($"{what}: max |expected| {expected.abs().max().item<double>():g3}, max |diff| {TensorAssert.MaxAbsDiff(expected, actual):g3}");
        Functional.AssertClose(expected, actual, what);
    }
}
