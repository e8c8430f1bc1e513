using SvqVideo.Plugins.Svq;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Quantizers.Tests.Svq;

/// <summary>Codebook perplexity and kurtosis as PAPER.md defines them.</summary>
public sealed class SvqDiagnosticsTests
{
    [Fact]
    public void CodesUsedEquallyOftenGiveAPerplexityEqualToTheirCount()
    {
        using var scope = NewDisposeScope();
        var w = zeros(200, 10);
        for (int k = 0; k < 4; k++)
        {
            w[10 * k, k] = tensor(100f);
        }

        var d = CodebookUsage.Measure(w);
        Assert.Equal(4.0, d["perplexity_theta2"], 6);
        Assert.Equal(4.0, d["perplexity_theta3"], 6);
        Assert.Equal(4.0, d["used_codes_theta3"]);
    }

    [Fact]
    public void UnequalUseGivesTheExponentialOfTheUsageEntropy()
    {
        using var scope = NewDisposeScope();
        var w = zeros(300, 6);
        w[0, 1] = tensor(50f);
        w[7, 1] = tensor(50f);
        w[9, 4] = tensor(50f);
        double p1 = 2.0 / 3, p4 = 1.0 / 3;
        double expected = Math.Exp(-((p1 * Math.Log(p1 + 1e-10)) + (p4 * Math.Log(p4 + 1e-10))));
        var d = CodebookUsage.Measure(w);
        Assert.Equal(expected, d["perplexity_theta3"], 6);
        Assert.Equal(2.0, d["used_codes_theta2"]);
    }

    [Fact]
    public void NoWeightAboveThetaReportsZeroInsteadOfNaN()
    {
        using var scope = NewDisposeScope();
        var w = ones(50, 5);
        w[.., 0] = tensor(2f);
        var d = CodebookUsage.Measure(w);
        Assert.Equal(0.0, d["perplexity_theta3"]);
        Assert.Equal(0.0, d["used_codes_theta3"]);
    }

    [Fact]
    public void GaussianWeightsHaveAKurtosisNearThree()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var d = CodebookUsage.Measure(randn(2000, 100));
        Assert.InRange(d["kurtosis"], 2.9, 3.1);
    }

    [Fact]
    public void DiagnoseSamplesAtMostTheConfiguredTokensAndReportsEveryMetric()
    {
        using var q = new SvqQuantizer(new QuantizerOptions { Kind = "svq", Dimension = 8, CodebookSize = 200 }.With("diagnostic_tokens", 64));
        using var x = randn(4, 8, 10, 10);
        var d = q.Diagnose(x);
        foreach (var key in new[] { "perplexity_theta2", "perplexity_theta3", "used_codes_theta2", "used_codes_theta3", "kurtosis" })
        {
            Assert.True(d.ContainsKey(key), $"missing diagnostic {key}");
            Assert.True(double.IsFinite(d[key]), $"{key} is not finite");
        }

        Assert.InRange(d["used_codes_theta2"], 1, 200);
        Assert.True(d["perplexity_theta2"] >= 1 && d["perplexity_theta2"] <= 200);
    }

    [Fact]
    public void CodeUsageCountsAgreeWithTheUsedCodesAndThePerplexity()
    {
        using var q = new SvqQuantizer(new QuantizerOptions { Kind = "svq", Dimension = 8, CodebookSize = 200 }.With("diagnostic_tokens", 64));
        using var x = randn(4, 8, 10, 10);
        var d = q.Diagnose(x);
        using var usage = q.CodeUsage(x);
        Assert.Equal(new long[] { 200 }, usage.shape);
        Assert.Equal(d["used_codes_theta2"], usage.gt(0).sum().item<long>());
        using var p = usage.to(ScalarType.Float64) / usage.sum().to(ScalarType.Float64);
        double perplexity = Math.Exp(-(p * (p + 1e-10).log()).sum().item<double>());
        Assert.Equal(d["perplexity_theta2"], perplexity, 6);
    }
}
