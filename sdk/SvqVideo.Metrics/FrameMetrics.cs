using static TorchSharp.torch;

namespace SvqVideo.Metrics;

/// <summary>
/// Batched per-frame metrics on clips shaped (B, T, C, H, W) with values in [0, 1], on any device.
/// Every function returns a float64 tensor of shape (B, T) (one value per frame) on the input's
/// device; average it yourself or feed the clips to a <see cref="MetricSet"/>.
/// <para>
/// Conventions follow OpenSTL's <c>metric()</c> (what the paper's tables report): the error sums
/// (<see cref="SumSquaredError"/>, <see cref="SumAbsoluteError"/>) use the prediction as given;
/// <see cref="Psnr"/> and <see cref="Ssim"/> clip the prediction to [0, 1] first (the target is never
/// clipped). Differences are taken in the input dtype and accumulated in float64.
/// </para>
/// Thread-safe (no shared state); gradients flow when autograd is enabled.
/// </summary>
public static class FrameMetrics
{
    /// <summary>
    /// Per frame, the SUM over C·H·W of the squared error on the unclipped prediction. Its mean over
    /// frames is OpenSTL's <c>mse</c> (the paper's "MSE"; not a per-pixel mean).
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ or are not (B, T, C, H, W).</exception>
    public static Tensor SumSquaredError(Tensor pred, Tensor target)
    {
        Check(pred, target);
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(Difference(pred, target).square().sum([2, 3, 4]));
    }

    /// <summary>
    /// Per frame, the SUM over C·H·W of the absolute error on the unclipped prediction. Its mean over
    /// frames is OpenSTL's <c>mae</c> (the paper's "MAE"; not a per-pixel mean).
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ or are not (B, T, C, H, W).</exception>
    public static Tensor SumAbsoluteError(Tensor pred, Tensor target)
    {
        Check(pred, target);
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(Difference(pred, target).abs().sum([2, 3, 4]));
    }

    /// <summary>Per frame, the MEAN over C·H·W of the squared error on the unclipped prediction (per-pixel MSE).</summary>
    /// <exception cref="ArgumentException">The shapes differ or are not (B, T, C, H, W).</exception>
    public static Tensor MeanSquaredError(Tensor pred, Tensor target)
    {
        Check(pred, target);
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(Difference(pred, target).square().mean([2, 3, 4]));
    }

    /// <summary>Per frame, the MEAN over C·H·W of the absolute error on the unclipped prediction (per-pixel MAE).</summary>
    /// <exception cref="ArgumentException">The shapes differ or are not (B, T, C, H, W).</exception>
    public static Tensor MeanAbsoluteError(Tensor pred, Tensor target)
    {
        Check(pred, target);
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(Difference(pred, target).abs().mean([2, 3, 4]));
    }

    /// <summary>
    /// OpenSTL's PSNR per frame: −10·log10(mean over C·H·W of the squared error) with peak 1, on the
    /// prediction clipped to [0, 1]. A frame identical to its target gives +∞ (as in OpenSTL).
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ or are not (B, T, C, H, W).</exception>
    public static Tensor Psnr(Tensor pred, Tensor target)
    {
        Check(pred, target);
        using var scope = NewDisposeScope();
        var mse = Difference(pred.clamp(0, 1), target).square().mean([2, 3, 4]);
        return scope.MoveToOuter(mse.log10().neg().mul(10));
    }

    /// <summary>
    /// SSIM per frame (per channel, then averaged over channels) on the prediction clipped to [0, 1];
    /// see <see cref="SsimVariant"/> for the two definitions. Computed in float64 with batched pooling
    /// and convolutions.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ, are not (B, T, C, H, W), or the frames are smaller than the window.</exception>
    public static Tensor Ssim(Tensor pred, Tensor target, SsimVariant variant = SsimVariant.OpenStl)
    {
        Check(pred, target);
        int window = variant == SsimVariant.OpenStl ? 7 : 11;
        long h = pred.shape[3], w = pred.shape[4];
        if (h < window || w < window)
        {
            throw new ArgumentException($"SSIM ({variant}) needs frames of at least {window}×{window}; got {h}×{w}", nameof(pred));
        }

        using var scope = NewDisposeScope();
        long b = pred.shape[0], t = pred.shape[1], c = pred.shape[2];
        var x = pred.clamp(0, 1).reshape(b * t * c, 1, h, w);
        var y = target.reshape(b * t * c, 1, h, w);
        // Planes are processed in chunks so the float64 statistics stay near SsimChunkElements values.
        long planesPerChunk = Math.Max(1, SsimChunkElements / (5 * h * w));
        var maps = new List<Tensor>();
        for (long start = 0; start < b * t * c; start += planesPerChunk)
        {
            using var chunkScope = NewDisposeScope();
            long length = Math.Min(planesPerChunk, (b * t * c) - start);
            var xs = x.narrow(0, start, length).to(ScalarType.Float64);
            var ys = y.narrow(0, start, length).to(ScalarType.Float64);
            var map = variant == SsimVariant.OpenStl ? SsimMapOpenStl(xs, ys) : SsimMapWang(xs, ys);
            maps.Add(chunkScope.MoveToOuter(map.mean([1, 2])));
        }

        return scope.MoveToOuter(cat(maps, 0).reshape(b, t, c).mean([2]));
    }

    /// <summary>Largest number of float64 values SSIM stacks at once (the five local statistics of a chunk of planes).</summary>
    private const long SsimChunkElements = 1L << 24;

    /// <summary>
    /// The OpenSTL (scikit-image 0.19 default) SSIM map restricted to the positions kept after the
    /// 3-pixel crop. Those are exactly the positions whose 7×7 window lies inside the image, so the
    /// reflect padding of the reference never reaches the kept values and a "valid" average pool
    /// computes the same local means.
    /// </summary>
    private static Tensor SsimMapOpenStl(Tensor x, Tensor y)
    {
        const double dataRange = 2.0;
        const double covarianceNorm = 49.0 / 48.0;
        return SsimMap(x, y, s => nn.functional.avg_pool2d(s, 7, 1), covarianceNorm, dataRange);
    }

    private static Tensor SsimMapWang(Tensor x, Tensor y)
    {
        var taps = GaussianTaps(11, 1.5, x.device);
        var rows = taps.reshape(1, 1, 11, 1).expand(5, 1, 11, 1);
        var cols = taps.reshape(1, 1, 1, 11).expand(5, 1, 1, 11);
        return SsimMap(x, y, s => nn.functional.conv2d(nn.functional.conv2d(s, rows, groups: 5), cols, groups: 5), 1.0, 1.0);
    }

    /// <summary>
    /// Wang's SSIM map from local statistics. <paramref name="filter"/> maps (N, 5, H, W) — x, y, x², y², x·y
    /// stacked — to their local means over the window, valid positions only.
    /// </summary>
    private static Tensor SsimMap(Tensor x, Tensor y, Func<Tensor, Tensor> filter, double covarianceNorm, double dataRange)
    {
        double c1 = Math.Pow(0.01 * dataRange, 2);
        double c2 = Math.Pow(0.03 * dataRange, 2);
        var means = filter(cat([x, y, x * x, y * y, x * y], 1));
        var ux = means.select(1, 0);
        var uy = means.select(1, 1);
        var vx = (means.select(1, 2) - ux * ux) * covarianceNorm;
        var vy = (means.select(1, 3) - uy * uy) * covarianceNorm;
        var vxy = (means.select(1, 4) - ux * uy) * covarianceNorm;
        var numerator = (2 * ux * uy + c1) * (2 * vxy + c2);
        var denominator = (ux * ux + uy * uy + c1) * (vx + vy + c2);
        return numerator / denominator;
    }

    /// <summary>Normalised 1-D Gaussian taps (float64), centred, summing to 1.</summary>
    private static Tensor GaussianTaps(int size, double sigma, Device device)
    {
        var offsets = arange(size, ScalarType.Float64, device) - (size - 1) / 2.0;
        var g = (offsets.square() / (-2 * sigma * sigma)).exp();
        return g / g.sum();
    }

    /// <summary>pred − target in their (common) dtype, then widened to float64 for accumulation.</summary>
    private static Tensor Difference(Tensor pred, Tensor target) => (pred - target).to(ScalarType.Float64);

    internal static void Check(Tensor pred, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(pred);
        ArgumentNullException.ThrowIfNull(target);
        if (pred.dim() != 5)
        {
            throw new ArgumentException($"metrics expect clips shaped (B, T, C, H, W); got a {pred.dim()}-D tensor [{string.Join(",", pred.shape)}]", nameof(pred));
        }

        if (!pred.shape.SequenceEqual(target.shape))
        {
            throw new ArgumentException($"prediction [{string.Join(",", pred.shape)}] and target [{string.Join(",", target.shape)}] must have the same shape", nameof(target));
        }

        if (!pred.is_floating_point() || !target.is_floating_point())
        {
            throw new ArgumentException($"metrics expect floating-point frames in [0, 1]; got {pred.dtype} and {target.dtype} (divide 8-bit frames by 255)", nameof(pred));
        }

        if (pred.device_type != target.device_type || pred.device_index != target.device_index)
        {
            throw new ArgumentException($"prediction is on {pred.device} and target on {target.device}; move both to one device", nameof(target));
        }
    }
}
