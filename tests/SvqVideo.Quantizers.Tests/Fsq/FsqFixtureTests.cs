using SvqVideo.Plugins.Fsq;
using SvqVideo.Testing;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Quantizers.Tests.Fsq;

/// <summary>FSQ golden fixtures (vector-quantize-pytorch 1.12.5), discovered by kind.</summary>
public sealed class FsqFixtureTests
{
    public static TheoryData<string> FsqFixtures => Fixtures.Names(kind => kind == "vq_fsq");

    [Theory]
    [MemberData(nameof(FsqFixtures))]
    public void FsqReproducesTheReferenceCodesAndIndices(string file)
    {
        using var fx = Fixtures.Load(file);
        var levels = fx.Config.GetProperty("levels").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        int dim = fx.Config.TryGetProperty("dim", out var d) ? d.GetInt32() : levels.Length;
        using var q = new FiniteScalarQuantizer(new QuantizerOptions { Kind = "fsq", Dimension = dim }.With("levels", levels));
        fx.LoadInto(q);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (bool training in new[] { false, true })
        {
            q.train(training);
            var (output, indices) = q.QuantizeTokens(fx["input"]);
            var produced = new Dictionary<string, Tensor>(StringComparer.Ordinal)
            {
                ["output"] = output,
                ["indices"] = indices,
                ["codes_from_indices"] = q.CodesFromIndices(indices),
            };
            foreach (var name in fx.Outputs)
            {
                Assert.True(produced.ContainsKey(name), $"{fx.Name}: the test does not produce output '{name}'");
                TensorAssert.Close(fx[name], produced[name], fx.Atol, fx.Rtol, $"{fx.Name} {name} (training={training})");
            }
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
