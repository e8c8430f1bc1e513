using SvqVideo.Plugins.Vq;
using SvqVideo.Testing;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Quantizers.Tests.Vq;

/// <summary>
/// The codebook's fused nearest-code search and scatter-add EMA step against the reference's formulas
/// (−√(|x|² + |e|² − 2x·e) argmax; one-hot counts and one-hotᵀ·x sums), at sizes where the search runs in
/// several row blocks.
/// </summary>
public sealed class EuclideanCodebookTests
{
    private static EuclideanCodebook Create(int codes, int dim, double decay = 0.8) =>
        new(VqSettings.From(new QuantizerOptions { Kind = "vq", Dimension = dim, CodebookSize = codes }.With("decay", decay)));

    // The reference ranking, as vector-quantize-pytorch 1.12.5 computes it.
    private static Tensor ReferenceNearest(Tensor x, Tensor e)
    {
        using var scope = NewDisposeScope();
        var dist2 = x.pow(2).sum(-1, keepdim: true) + e.pow(2).sum(-1).unsqueeze(0) - 2 * x.matmul(e.t());
        return (-dist2.sqrt()).argmax(-1).MoveToOuterDisposeScope();
    }

    [Theory]
    [InlineData(1024, 16, 9000)]  // 9000 × 1024 scores: three row blocks, the last one partial
    [InlineData(512, 16, 300)]    // one block
    [InlineData(1, 4, 50)]        // a single code
    public void NearestEqualsTheReferenceRankingAwayFromTies(int codes, int dim, int rows)
    {
        using var codebook = Create(codes, dim);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        manual_seed(21);
        var e = codebook.Embed;
        e.copy_(randn(codes, dim));
        // Rows near random codes, so that most choices are clear; the check skips near-ties below.
        var x = e.index_select(0, randint(0, codes, [rows])) + randn(rows, dim) * 0.3;

        var got = codebook.Nearest(x);
        var expected = ReferenceNearest(x, e);
        Assert.Equal(ScalarType.Int64, got.dtype);
        Assert.Equal(new long[] { rows }, got.shape);

        // Float64 squared distances: compare only rows whose best and second-best codes differ by ≥ 1e-3.
        var d64 = (x.to(ScalarType.Float64).unsqueeze(1) - e.to(ScalarType.Float64).unsqueeze(0)).square().sum(-1);
        var clear = codes == 1 ? ones(rows, dtype: ScalarType.Bool) : d64.topk(2, dim: -1, largest: false).values.diff(dim: -1).squeeze(-1).ge(1e-3);
        long checkedRows = clear.sum().item<long>();
        Assert.True(checkedRows > rows * 0.9, $"only {checkedRows} of {rows} rows are clear of ties");
        Assert.True(got.masked_select(clear).eq(expected.masked_select(clear)).all().item<bool>(), "nearest codes differ from the reference ranking");
        Assert.True(got.masked_select(clear).eq(d64.argmin(-1).masked_select(clear)).all().item<bool>(), "nearest codes differ from the float64 nearest codes");
    }

    [Theory]
    [InlineData(0.8, false)]
    [InlineData(0.2, true)]   // decay < 0.5: torch.lerp's other branch; from a warm state
    public void UpdateEqualsTheOneHotReference(double decay, bool warm)
    {
        const int codes = 300, dim = 8, rows = 5000;
        using var codebook = Create(codes, dim, decay);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        manual_seed(4);
        if (warm)
        {
            codebook.ClusterSize.copy_(rand(codes) * 40);
        }

        var x = randn(rows, dim);
        // Leave some codes unused, so that their smoothed count is tiny as in the reference.
        var indices = randint(0, codes - 20, [rows]);
        var before = codebook.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());

        var expired = codebook.Update(x, indices);
        Assert.False(expired.any().item<bool>());

        // The reference step: one-hot counts and sums, lerp (torch's formula), Laplace smoothing, normalisation.
        double t = 1 - decay;
        var onehot = nn.functional.one_hot(indices, codes).to(ScalarType.Float32);
        var bins = onehot.sum(dim: 0);
        var sums = onehot.t().matmul(x);
        Tensor Lerp(Tensor a, Tensor b) => t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
        var size = Lerp(before["cluster_size"][0], bins);
        var avg = Lerp(before["embed_avg"][0], sums);
        var total = size.sum();
        var smoothed = (size + 1e-5) / (total + codes * 1e-5) * total;
        var embed = avg / smoothed.unsqueeze(-1);

        TensorAssert.Close(size, codebook.ClusterSize, 1e-5, 1e-5, "cluster_size");
        TensorAssert.Close(avg, codebook.state_dict()["embed_avg"][0], 1e-5, 1e-5, "embed_avg");
        TensorAssert.Close(embed, codebook.Embed, 1e-5, 1e-5, "embed");
    }
}
