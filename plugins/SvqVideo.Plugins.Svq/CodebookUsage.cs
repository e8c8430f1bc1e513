using static TorchSharp.torch;

namespace SvqVideo.Plugins.Svq;

/// <summary>
/// SVQ's codebook-usage diagnostics as the paper and the official code define them, on a weight
/// matrix W (tokens × N): z = |W − mean(W)| / std(W) over all elements (unbiased std); a code is used
/// by a token where z &gt; θ; p_k = uses of code k / all uses; perplexity = exp(−Σ p_k ln(p_k + 1e-10)).
/// Kurtosis is the fourth standardised moment of W (Pearson; 3 for a Gaussian).
/// </summary>
internal static class CodebookUsage
{
    /// <summary>
    /// Returns <c>perplexity_theta2</c>, <c>perplexity_theta3</c>, <c>used_codes_theta2</c>,
    /// <c>used_codes_theta3</c> and <c>kurtosis</c>. When no weight exceeds θ the reference divides by
    /// zero (NaN); here the perplexity is reported as 0 and the used-code count as 0.
    /// </summary>
    /// <summary>Uses per code at threshold θ (float32, length N): how many tokens have |z| &gt; θ for each code.</summary>
    public static Tensor Counts(Tensor weights, double theta)
    {
        using var scope = NewDisposeScope();
        var w = weights.detach().to(ScalarType.Float64).reshape(-1, weights.shape[^1]);
        var z = ((w - w.mean()) / w.std()).abs();
        return z.gt(theta).to(ScalarType.Float32).sum(dim: 0).MoveToOuterDisposeScope();
    }

    public static IReadOnlyDictionary<string, double> Measure(Tensor weights)
    {
        using var scope = NewDisposeScope();
        var w = weights.detach().to(ScalarType.Float64).reshape(-1, weights.shape[^1]);
        var mean = w.mean();
        var std = w.std();
        var standardised = (w - mean) / std;
        var z = standardised.abs();
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (int theta in new[] { 2, 3 })
        {
            var uses = z.gt(theta).to(ScalarType.Float64).sum(dim: 0);
            double total = uses.sum().item<double>();
            double perplexity = 0;
            if (total > 0)
            {
                var p = uses / total;
                perplexity = (-(p * (p + 1e-10).log()).sum()).exp().item<double>();
            }

            result[$"perplexity_theta{theta}"] = perplexity;
            result[$"used_codes_theta{theta}"] = uses.gt(0).sum().item<long>();
        }

        result["kurtosis"] = standardised.pow(4).mean().item<double>();
        return result;
    }
}
