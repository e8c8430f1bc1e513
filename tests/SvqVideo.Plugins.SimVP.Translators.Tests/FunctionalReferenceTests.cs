using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>
/// Fixture-free checks: each block is built at widths and MLP ratios the golden fixtures do not cover, given
/// random weights (every parameter redrawn, layer scales far from their tiny initial values so every branch
/// counts), and compared with the block's formula written out here from plain functional ops.
/// </summary>
public sealed class FunctionalReferenceTests
{
    public static TheoryData<int, double> WidthsAndRatios() => new()
    {
        { 8, 4.0 },
        { 16, 2.0 },
        { 24, 3.0 },
        { 32, 4.0 },
        { 40, 3.0 },
        { 56, 2.5 },
    };

    [Theory]
    [MemberData(nameof(WidthsAndRatios))]
    public void ConvNeXtBlockComputesItsFormula(int dim, double mlpRatio)
    {
        using var block = new ConvNeXtSubBlock(dim, mlpRatio, dropPath: 0.0);
        var p = Functional.Randomise(block, seed: dim);
        block.eval();
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var x = randn(2, dim, 9, 7, generator: Functional.Generator(dim + 1));
        var xd = x.to(float64);

        var u = nn.functional.conv2d(xd, p["conv_dw.weight"], p["conv_dw.bias"], padding: [3, 3], groups: dim);
        u = Functional.ChannelLayerNorm(u, p["norm.weight"], p["norm.bias"], 1e-6);
        u = nn.functional.conv2d(Functional.Gelu(nn.functional.conv2d(u, p["mlp.fc1.weight"], p["mlp.fc1.bias"])), p["mlp.fc2.weight"], p["mlp.fc2.bias"]);
        var expected = xd + p["gamma"].view(1, -1, 1, 1) * u;

        Assert.Equal([(long)(dim * mlpRatio), dim, 1, 1], p["mlp.fc1.weight"].shape);
        Functional.AssertClose(expected, block.forward(x), $"convnext dim {dim} mlp_ratio {mlpRatio}");
    }

    [Theory]
    [MemberData(nameof(WidthsAndRatios))]
    public void HorNetBlockComputesItsFormula(int dim, double mlpRatio)
    {
        using var block = new HorNetSubBlock(dim, mlpRatio, dropPath: 0.0);
        var p = Functional.Randomise(block, seed: 100 + dim);
        block.eval();
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var x = randn(2, dim, 9, 7, generator: Functional.Generator(dim + 2));
        var xd = x.to(float64);

        // gnconv of order 4: widths C/8, C/4, C/2, C.
        long[] d = [dim / 8, dim / 4, dim / 2, dim];
        var u = Functional.ChannelLayerNorm(xd, p["norm1.weight"], p["norm1.bias"], 1e-6);
        var f = nn.functional.conv2d(u, p["gnconv.proj_in.weight"], p["gnconv.proj_in.bias"]);
        var pwa = f[.., ..(int)d[0]];
        long rest = (2 * dim) - d[0];
        var q = nn.functional.conv2d(f[.., (int)d[0]..], p["gnconv.dwconv.weight"], p["gnconv.dwconv.bias"], padding: [3, 3], groups: rest);
        long offset = 0;
        var qs = new List<Tensor>();
        foreach (long w in d)
        {
            qs.Add(q[.., (int)offset..(int)(offset + w)]);
            offset += w;
        }

        var y = pwa * qs[0];
        for (int i = 0; i < 3; i++)
        {
            y = nn.functional.conv2d(y, p[$"gnconv.pws.{i}.weight"], p[$"gnconv.pws.{i}.bias"]) * qs[i + 1];
        }

        y = nn.functional.conv2d(y, p["gnconv.proj_out.weight"], p["gnconv.proj_out.bias"]);
        var h = xd + p["gamma1"].view(-1, 1, 1) * y;
        var t = h.permute(0, 2, 3, 1);
        var n = Functional.LastAxisLayerNorm(t, p["norm2.weight"], p["norm2.bias"], 1e-6);
        n = Functional.Gelu(n.matmul(p["pwconv1.weight"].t()) + p["pwconv1.bias"]).matmul(p["pwconv2.weight"].t()) + p["pwconv2.bias"];
        var expected = h + (p["gamma2"] * n).permute(0, 3, 1, 2);

        Assert.Equal([(long)(dim * mlpRatio), dim], p["pwconv1.weight"].shape);
        Functional.AssertClose(expected, block.forward(x), $"hornet dim {dim} mlp_ratio {mlpRatio}");
    }
}
