using SvqVideo.Testing;
using static TorchSharp.torch;

namespace SvqVideo.Metrics.Tests;

public sealed class SsimTests
{
    public static TheoryData<string> Devices => TestDevices.Names;

    [SkippableTheory]
    [MemberData(nameof(Devices))]
    public void IdenticalFramesScoreExactlyOneInBothVariants(string device)
    {
        var dev = TestDevices.Require(device);
        using var scope = NewDisposeScope();
        var clip = rand([2, 3, 2, 24, 20], generator: new Generator(5)).to(dev);
        foreach (var variant in new[] { SsimVariant.OpenStl, SsimVariant.Wang })
        {
            var ssim = FrameMetrics.Ssim(clip, clip, variant);
            Assert.Equal(new long[] { 2, 3 }, ssim.shape);
            Assert.True((ssim - 1).abs().max().item<double>() < 1e-12, $"{variant}: identical frames gave {ssim.min().item<double>()}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Devices))]
    public void WangSsimMatchesAStraightforwardFloat64Reference(string device)
    {
        var dev = TestDevices.Require(device);
        using var scope = NewDisposeScope();
        var g = new Generator(17);
        var target = rand([2, 2, 3, 16, 19], ScalarType.Float64, generator: g);
        // Correlated prediction with some values outside [0, 1], so the clip is exercised too.
        var pred = target * 0.7 + rand([2, 2, 3, 16, 19], ScalarType.Float64, generator: g) * 0.5 - 0.05;
        var expected = WangReference(pred.clamp(0, 1), target);
        var got = FrameMetrics.Ssim(pred.to(dev), target.to(dev), SsimVariant.Wang);
        TensorAssert.Close(expected, got, 1e-12, 0, "Wang SSIM vs loop reference");
        Assert.True(got.lt(0.999).all().item<bool>(), "test images should not be near-identical");
    }

    [Fact]
    public void LargeBatchesSplitIntoChunksGiveTheSameValuesAsSmallBatches()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(29);
        // 2·3300·2 = 13,200 planes of 16×16: more than one chunk of stacked statistics.
        var target = rand([2, 3300, 2, 16, 16], generator: g);
        var pred = target + randn([2, 3300, 2, 16, 16], generator: g) * 0.1;
        // The chunking is shared by both variants; the cheaper one (average pooling) exercises it.
        var whole = FrameMetrics.Ssim(pred, target);
        var first = FrameMetrics.Ssim(pred.narrow(0, 0, 1), target.narrow(0, 0, 1));
        var second = FrameMetrics.Ssim(pred.narrow(0, 1, 1), target.narrow(0, 1, 1));
        TensorAssert.Close(cat([first, second], 0), whole, 1e-12, 0, "chunked SSIM");
    }

    [Fact]
    public void FramesSmallerThanTheWindowAreRejectedWithTheSize()
    {
        using var scope = NewDisposeScope();
        var clip = rand([1, 1, 1, 10, 30]);
        var e = Assert.Throws<ArgumentException>(() => FrameMetrics.Ssim(clip, clip, SsimVariant.Wang));
        Assert.Contains("11×11", e.Message, StringComparison.Ordinal);
        Assert.Contains("10×30", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Wang et al. SSIM written out directly: for every position where the 11×11 window fits, Gaussian-weighted
    /// (σ = 1.5, weights normalised over the 2-D window) means, variances and covariance with population
    /// statistics, C1 = 1e-4, C2 = 9e-4; the mean of the map per channel; the mean over channels.
    /// </summary>
    private static Tensor WangReference(Tensor pred, Tensor target)
    {
        const int k = 11, r = 5;
        const double c1 = 1e-4, c2 = 9e-4;
        var window = new double[k, k];
        double total = 0;
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++)
            {
                window[i, j] = Math.Exp(-(((i - r) * (i - r)) + ((j - r) * (j - r))) / (2 * 1.5 * 1.5));
                total += window[i, j];
            }
        }

        long b = pred.shape[0], t = pred.shape[1], c = pred.shape[2], h = pred.shape[3], w = pred.shape[4];
        var x = pred.cpu().contiguous().data<double>().ToArray();
        var y = target.cpu().contiguous().data<double>().ToArray();
        var result = new double[b * t];
        for (long f = 0; f < b * t; f++)
        {
            double channelSum = 0;
            for (long ch = 0; ch < c; ch++)
            {
                long plane = ((f * c) + ch) * h * w;
                double mapSum = 0;
                int positions = 0;
                for (long i = r; i < h - r; i++)
                {
                    for (long j = r; j < w - r; j++)
                    {
                        double mx = 0, my = 0;
                        for (int di = 0; di < k; di++)
                        {
                            for (int dj = 0; dj < k; dj++)
                            {
                                long idx = plane + ((i - r + di) * w) + (j - r + dj);
                                double wt = window[di, dj] / total;
                                mx += wt * x[idx];
                                my += wt * y[idx];
                            }
                        }

                        double vx = 0, vy = 0, cxy = 0;
                        for (int di = 0; di < k; di++)
                        {
                            for (int dj = 0; dj < k; dj++)
                            {
                                long idx = plane + ((i - r + di) * w) + (j - r + dj);
                                double wt = window[di, dj] / total;
                                vx += wt * (x[idx] - mx) * (x[idx] - mx);
                                vy += wt * (y[idx] - my) * (y[idx] - my);
                                cxy += wt * (x[idx] - mx) * (y[idx] - my);
                            }
                        }

                        mapSum += ((2 * mx * my) + c1) * ((2 * cxy) + c2) / (((mx * mx) + (my * my) + c1) * (vx + vy + c2));
                        positions++;
                    }
                }

                channelSum += mapSum / positions;
            }

            result[f] = channelSum / c;
        }

        return tensor(result).reshape(b, t);
    }
}
