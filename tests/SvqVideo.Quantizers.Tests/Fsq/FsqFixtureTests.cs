using SvqVideo.Plugins.Fsq;
using SvqVideo.Testing;
using SvqVideo.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace SvqVideo.Quantizers.Tests.Fsq;

/// <summary>FSQ golden fixtures (vector-quantize-pytorch 1.12.5), discovered by kind, on every device.</summary>
public sealed class FsqFixtureTests
{
    public static TheoryData<string, string> FsqFixtures => Fixtures.OnDevices(kind => kind == "vq_fsq");

    [SkippableTheory]
    [MemberData(nameof(FsqFixtures))]
    public void FsqReproducesTheReferenceCodesAndIndices(string file, string deviceName)
    {
        var device = TestDevices.Require(deviceName);
        using var fx = Fixtures.Load(file);
        var levels = fx.Config.GetProperty("levels").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        int dim = fx.Config.TryGetProperty("dim", out var d) ? d.GetInt32() : levels.Length;
        using var q = new FiniteScalarQuantizer(new QuantizerOptions { Kind = "fsq", Dimension = dim }.With("levels", levels));
        fx.LoadInto(q);
        q.to(device);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var input = fx["input"].to(device);
        foreach (bool training in new[] { false, true })
        {
            q.train(training);
            var (output, indices) = q.QuantizeTokens(input);
            var produced = new Dictionary<string, Tensor>(StringComparer.Ordinal)
            {
                ["output"] = output,
                ["indices"] = indices,
                ["codes_from_indices"] = q.CodesFromIndices(indices),
            };
            fx.AssertOutputs(produced, $"on {deviceName} (training={training})");
        }
    }

    [Fact]
    public void EveryIndexRoundTripsThroughItsCode()
    {
        using var q = new FiniteScalarQuantizer(new QuantizerOptions { Kind = "fsq", Dimension = 4 }.With("levels", new[] { 8, 5, 5, 3 }));
        using var scope = NewDisposeScope();
        var all = arange(q.CodebookSize, dtype: ScalarType.Int64);
        Assert.True(q.CodesToIndices(q.CodesFromIndices(all)).eq(all).all().item<bool>());
    }

    [Fact]
    public void TwoLevelsAreRejectedWithTheReason()
    {
        var e = Assert.Throws<ArgumentException>(() => new FiniteScalarQuantizer(new QuantizerOptions { Kind = "fsq", Dimension = 3 }.With("levels", new[] { 8, 2, 5 })));
        Assert.Contains("levels", e.Message, StringComparison.Ordinal);
    }
}
