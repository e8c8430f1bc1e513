using static TorchSharp.torch;

namespace SvqVideo.Metrics;

/// <summary>
/// Streams metrics over many batches of clips: call <see cref="Update"/> with each (B, T, C, H, W)
/// prediction/target pair in [0, 1] (any device), then <see cref="Report"/>. Means are exact running
/// means over all frames (accumulated in float64), plus a curve per frame index. The conventions are
/// OpenSTL's (see <see cref="MetricNames"/> and <see cref="FrameMetrics"/>).
/// <para>
/// A metric that cannot be computed — LPIPS without weights, Wang SSIM on frames under 11×11, LPIPS on
/// frames that are not 1- or 3-channel or are under 31×31 — is listed in the report's
/// <see cref="MetricReport.Unavailable"/> with the reason, and no partial value is kept.
/// Not thread-safe. Runs without gradients.
/// </para>
/// </summary>
public sealed class MetricSet
{
    private readonly MetricSetOptions _options;
    private readonly List<string> _metrics;
    private readonly Dictionary<string, Accumulator> _accumulators = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _unavailable = new(StringComparer.Ordinal);

    /// <summary>Creates an empty set computing the metrics named in <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">A metric name is unknown.</exception>
    public MetricSet(MetricSetOptions? options = null)
    {
        _options = options ?? new MetricSetOptions();
        var names = _options.Metrics ?? (_options.Lpips is not null || _options.LpipsUnavailableReason is not null
            ? [.. MetricNames.Default, MetricNames.Lpips]
            : MetricNames.Default);
        foreach (var name in names)
        {
            _ = MetricNames.Describe(name);
        }

        _metrics = names.Distinct(StringComparer.Ordinal).ToList();
        Reset();
    }

    /// <summary>The metrics requested, in report order.</summary>
    public IReadOnlyList<string> Metrics => _metrics;

    /// <summary>Frames aggregated so far.</summary>
    public long Frames { get; private set; }

    /// <summary>Clips aggregated so far.</summary>
    public long Clips { get; private set; }

    /// <summary>Forgets everything aggregated so far.</summary>
    public void Reset()
    {
        _accumulators.Clear();
        _unavailable.Clear();
        foreach (var name in _metrics)
        {
            if (name == MetricNames.Rmse)
            {
                continue;
            }

            _accumulators[name] = new Accumulator();
        }

        if (_metrics.Contains(MetricNames.Rmse))
        {
            _accumulators.TryAdd(MetricNames.Mse, new Accumulator());
        }

        if (_metrics.Contains(MetricNames.Lpips) && _options.Lpips is null)
        {
            MarkUnavailable(MetricNames.Lpips, _options.LpipsUnavailableReason
                ?? $"LPIPS unavailable: no weights loaded (set {LpipsWeights.EnvironmentVariable}; see docs/metrics.md)");
        }

        Frames = 0;
        Clips = 0;
    }

    /// <summary>
    /// Adds one batch: per-frame values of every requested metric for (B, T, C, H, W) clips. The prediction
    /// is used unclipped for the error sums and clipped to [0, 1] for PSNR, SSIM and LPIPS; the target as given.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ or are not (B, T, C, H, W) floats on one device.</exception>
    public void Update(Tensor pred, Tensor target)
    {
        FrameMetrics.Check(pred, target);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach (var name in _accumulators.Keys.ToList())
        {
            if (_unavailable.ContainsKey(name))
            {
                continue;
            }

            Tensor? values = Compute(name, pred, target);
            if (values is not null)
            {
                _accumulators[name].Add(values);
            }
        }

        Clips += pred.shape[0];
        Frames += pred.shape[0] * pred.shape[1];
    }

    /// <summary>The aggregate so far (a snapshot; later updates do not change it).</summary>
    public MetricReport Report()
    {
        var summaries = new Dictionary<string, MetricSummary>(StringComparer.Ordinal);
        foreach (var name in _metrics)
        {
            if (_unavailable.ContainsKey(name))
            {
                continue;
            }

            summaries[name] = name == MetricNames.Rmse
                ? _accumulators[MetricNames.Mse].Summarise(name, Math.Sqrt)
                : _accumulators[name].Summarise(name, v => v);
        }

        return new MetricReport
        {
            Frames = Frames,
            Clips = Clips,
            Metrics = summaries,
            Unavailable = _metrics.Where(_unavailable.ContainsKey).ToDictionary(n => n, n => _unavailable[n], StringComparer.Ordinal),
        };
    }

    private Tensor? Compute(string name, Tensor pred, Tensor target)
    {
        long h = pred.shape[3], w = pred.shape[4], c = pred.shape[2];
        switch (name)
        {
            case MetricNames.Mse:
                return FrameMetrics.SumSquaredError(pred, target);
            case MetricNames.Mae:
                return FrameMetrics.SumAbsoluteError(pred, target);
            case MetricNames.PixelMse:
                return FrameMetrics.MeanSquaredError(pred, target);
            case MetricNames.PixelMae:
                return FrameMetrics.MeanAbsoluteError(pred, target);
            case MetricNames.Psnr:
                return FrameMetrics.Psnr(pred, target);
            case MetricNames.Ssim:
                if (h < 7 || w < 7)
                {
                    MarkUnavailable(name, $"OpenSTL SSIM needs frames of at least 7×7; got {h}×{w}");
                    return null;
                }

                return FrameMetrics.Ssim(pred, target, SsimVariant.OpenStl);
            case MetricNames.SsimWang:
                if (h < 11 || w < 11)
                {
                    MarkUnavailable(name, $"Wang SSIM needs frames of at least 11×11; got {h}×{w}");
                    return null;
                }

                return FrameMetrics.Ssim(pred, target, SsimVariant.Wang);
            case MetricNames.Lpips:
                if (c is not (1 or 3) || h < 31 || w < 31)
                {
                    MarkUnavailable(name, $"LPIPS needs 1- or 3-channel frames of at least 31×31; got {c} channels of {h}×{w}");
                    return null;
                }

                return _options.LpipsSwapRedBlue && c == 3
                    ? _options.Lpips!.ClipDistance(pred.flip(2), target.flip(2), _options.LpipsFramesPerChunk)
                    : _options.Lpips!.ClipDistance(pred, target, _options.LpipsFramesPerChunk);
            default:
                throw new InvalidOperationException($"no computation for metric '{name}'");
        }
    }

    private void MarkUnavailable(string name, string reason)
    {
        _unavailable[name] = reason;
        if (name == MetricNames.Mse && _metrics.Contains(MetricNames.Rmse))
        {
            _unavailable[MetricNames.Rmse] = reason;
        }
    }

    /// <summary>Running sums per frame index, split into finite values and counts of infinite ones.</summary>
    private sealed class Accumulator
    {
        private readonly List<double> _finiteSum = [];
        private readonly List<long> _finiteCount = [];
        private readonly List<long> _positiveInfinite = [];
        private readonly List<long> _negativeInfinite = [];
        private readonly List<long> _nan = [];

        /// <summary>Adds (B, T) values (any device).</summary>
        public void Add(Tensor values)
        {
            using var cpu = values.detach().to(ScalarType.Float64).cpu().contiguous();
            var data = cpu.data<double>().ToArray();
            int b = (int)cpu.shape[0], t = (int)cpu.shape[1];
            while (_finiteSum.Count < t)
            {
                _finiteSum.Add(0);
                _finiteCount.Add(0);
                _positiveInfinite.Add(0);
                _negativeInfinite.Add(0);
                _nan.Add(0);
            }

            for (int i = 0; i < b; i++)
            {
                for (int j = 0; j < t; j++)
                {
                    double v = data[(i * t) + j];
                    if (double.IsFinite(v))
                    {
                        _finiteSum[j] += v;
                        _finiteCount[j]++;
                    }
                    else if (double.IsPositiveInfinity(v))
                    {
                        _positiveInfinite[j]++;
                    }
                    else if (double.IsNegativeInfinity(v))
                    {
                        _negativeInfinite[j]++;
                    }
                    else
                    {
                        _nan[j]++;
                    }
                }
            }
        }

        public MetricSummary Summarise(string name, Func<double, double> transform)
        {
            var perIndex = new double[_finiteSum.Count];
            for (int j = 0; j < perIndex.Length; j++)
            {
                perIndex[j] = transform(Mean(_finiteSum[j], _finiteCount[j], _positiveInfinite[j], _negativeInfinite[j], _nan[j]));
            }

            double finiteSum = _finiteSum.Sum();
            long finite = _finiteCount.Sum(), pos = _positiveInfinite.Sum(), neg = _negativeInfinite.Sum(), nan = _nan.Sum();
            return new MetricSummary
            {
                Name = name,
                Description = MetricNames.Describe(name),
                Mean = transform(Mean(finiteSum, finite, pos, neg, nan)),
                FiniteMean = transform(finite > 0 ? finiteSum / finite : double.NaN),
                Frames = finite + pos + neg + nan,
                InfiniteFrames = pos + neg,
                PerFrameIndex = perIndex,
            };
        }

        /// <summary>The ordinary mean of all values, with IEEE semantics for the non-finite ones (as numpy's mean gives).</summary>
        private static double Mean(double finiteSum, long finite, long pos, long neg, long nan)
        {
            long n = finite + pos + neg + nan;
            if (n == 0 || nan > 0 || (pos > 0 && neg > 0))
            {
                return double.NaN;
            }

            return pos > 0 ? double.PositiveInfinity : neg > 0 ? double.NegativeInfinity : finiteSum / n;
        }
    }
}
