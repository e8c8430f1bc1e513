using SvqVideo.Torch.Onnx;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.Vq;

/// <summary>
/// The EMA codebook of vector-quantize-pytorch 1.12.5 (<c>EuclideanCodebook</c>, one codebook). Buffers
/// (the state-dict keys): <c>initted</c> [1], <c>cluster_size</c> [1, K], <c>embed_avg</c> [1, K, D],
/// <c>embed</c> [1, K, D]. Everything here runs in float32 and without autograd: the codebook moves
/// only by the EMA update, never by gradients.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class EuclideanCodebook : nn.Module
{
    private readonly VqSettings _settings;

    // Field names are the reference state-dict keys.
    private readonly Tensor initted;
    private readonly Tensor cluster_size;
    private readonly Tensor embed_avg;
    private readonly Tensor embed;

    public EuclideanCodebook(VqSettings settings)
        : base(nameof(EuclideanCodebook))
    {
        _settings = settings;
        int k = settings.CodebookSize, d = settings.Dimension;
        using (no_grad())
        {
            if (settings.KmeansInit)
            {
                embed = zeros(1, k, d);
                initted = zeros(1);
            }
            else
            {
                // kaiming_uniform_ on a (1, K, D) tensor: fan_in = K·D, gain √2.
                double bound = Math.Sqrt(6.0 / ((double)k * d));
                embed = empty(1, k, d).uniform_(-bound, bound);
                initted = ones(1);
            }

            cluster_size = zeros(1, k);
            embed_avg = embed.clone();
        }

        RegisterComponents();
    }

    /// <summary>
    /// Writes the codebook's constants into an ONNX graph for <see cref="ExportNearest"/>: the score conv's weight
    /// −2E (K, D, 1, 1) and bias |e|² (K), and E (K, D) for the lookup. Shared codebooks write them once.
    /// </summary>
    public (string ScoreWeight, string ScoreBias, string Codes) ExportConstants(IOnnxGraph graph)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var codes = Embed.detach().cpu().to(ScalarType.Float32);
        using var named = graph.Scope("_codebook");
        return (
            graph.Initializer("embed_score_weight", (codes * -2).reshape(codes.shape[0], codes.shape[1], 1, 1)),
            graph.Initializer("embed_square_norm", codes.square().sum(-1)),
            graph.Initializer("embed", codes));
    }

    /// <summary>
    /// ONNX form of the eval lookup on latents (N, D, H, W): scores |e|² − 2x·e as a 1×1 <c>Conv</c> (the ranking
    /// <see cref="Nearest"/> uses), <c>ArgMin</c> over codes (first index on ties, as torch), <c>Gather</c> of the
    /// codes, back to (N, D, H, W).
    /// </summary>
    public static string ExportNearest(IOnnxGraph graph, (string ScoreWeight, string ScoreBias, string Codes) constants, string latents)
    {
        ArgumentNullException.ThrowIfNull(graph);
        string scores = graph.Op("Conv", [latents, constants.ScoreWeight, constants.ScoreBias], ("kernel_shape", new long[] { 1, 1 }));
        string indices = graph.Op("ArgMin", [scores], ("axis", 1L), ("keepdims", 0L));
        string codes = graph.Op("Gather", [constants.Codes, indices], ("axis", 0L));
        return graph.Op("Transpose", [codes], ("perm", new long[] { 0, 3, 1, 2 }));
    }

    /// <summary>Rows used to replace expired codes; replaceable for tests.</summary>
    public ReplacementRowSampler RowSampler { get; set; } = DrawRows;

    public int CodebookSize => _settings.CodebookSize;

    /// <summary>The codebook (K, D) as a view of the <c>embed</c> buffer.</summary>
    public Tensor Embed => embed[0];

    /// <summary>The EMA cluster sizes (K) as a view of the <c>cluster_size</c> buffer.</summary>
    public Tensor ClusterSize => cluster_size[0];

    /// <summary>
    /// Nearest-code indices (M) for float32 rows <paramref name="flat"/> (M, D). The reference ranks codes by
    /// −√(|x|² + |e|² − 2x·e); dropping |x|² (the same for every code of a row) and the monotonic square
    /// root leaves the order unchanged, so this takes the argmin of |e|² − 2x·e, one fused addmm per block of
    /// rows (at most <see cref="ScoreBlockElements"/> scores alive at a time).
    /// </summary>
    public Tensor Nearest(Tensor flat)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return NearestCodes(flat, Embed).MoveToOuterDisposeScope();
    }

    /// <summary>The codes (M, D) of <paramref name="indices"/>.</summary>
    public Tensor Lookup(Tensor indices) => Embed.index_select(0, indices.flatten()).reshape([.. indices.shape, _settings.Dimension]);

    /// <summary>k-means initialisation from a batch, when configured and not yet done.</summary>
    public void InitialiseIfNeeded(Tensor flat)
    {
        if (!_settings.KmeansInit || initted.item<float>() > 0)
        {
            return;
        }

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (means, bins) = KMeans(flat, _settings.CodebookSize, _settings.KmeansIters);
        embed[0].copy_(means);
        embed_avg[0].copy_(means * bins.unsqueeze(-1));
        cluster_size[0].copy_(bins);
        initted.fill_(1);
    }

    /// <summary>
    /// One EMA step from rows <paramref name="flat"/> (M, D) assigned to <paramref name="indices"/> (M), then
    /// dead-code expiry. Returns the expired-code mask (K, bool) on the codebook's device.
    /// </summary>
    public Tensor Update(Tensor flat, Tensor indices)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        int k = _settings.CodebookSize;
        double weight = 1 - _settings.Decay;
        // Counts and per-code sums of the assigned rows (the reference's one_hot sum and one_hotᵀ·x,
        // without the M × K one-hot matrix).
        var bins = indices.bincount(null, k).to(flat.dtype);
        var sums = zeros(k, flat.shape[1], dtype: flat.dtype, device: flat.device).index_add_(0, indices, flat, 1);
        Lerp(cluster_size[0], bins, weight);
        Lerp(embed_avg[0], sums, weight);

        var size = ClusterSize;
        var total = size.sum();
        var smoothed = (size + _settings.Eps) / (total + k * _settings.Eps) * total;
        embed[0].copy_(embed_avg[0] / smoothed.unsqueeze(-1));

        return ExpireCodes(flat).MoveToOuterDisposeScope();
    }

    private Tensor ExpireCodes(Tensor flat)
    {
        if (_settings.ThresholdEmaDeadCode <= 0)
        {
            return zeros(_settings.CodebookSize, dtype: ScalarType.Bool, device: flat.device);
        }

        var expired = ClusterSize.lt(_settings.ThresholdEmaDeadCode);
        long count = expired.sum().item<long>();
        if (count == 0)
        {
            return expired;
        }

        var rows = RowSampler(flat.shape[0], count, flat.device).to(flat.device);
        if (rows.shape.Length != 1 || rows.shape[0] != count)
        {
            throw new InvalidOperationException($"the replacement row sampler returned shape [{string.Join(",", rows.shape)}] for {count} expired codes");
        }

        var sampled = flat.index_select(0, rows);
        var codes = expired.nonzero().flatten();
        embed[0].index_copy_(0, codes, sampled);
        ClusterSize.index_fill_(0, codes, _settings.ResetClusterSize);
        embed_avg[0].index_copy_(0, codes, sampled * _settings.ResetClusterSize);
        return expired;
    }

    // torch.lerp_'s own formula (a + t·(b − a) for t < 0.5, else b − (b − a)·(1 − t)), so that rounding matches.
    private static void Lerp(Tensor a, Tensor b, double t)
    {
        using var scope = NewDisposeScope();
        var delta = b - a;
        if (t < 0.5)
        {
            a.add_(delta * t);
        }
        else
        {
            a.copy_(b - delta * (1 - t));
        }
    }

    /// <summary>Most scores (rows × codes) <see cref="NearestCodes"/> holds at once: 16 MiB of float32.</summary>
    internal const long ScoreBlockElements = 1 << 22;

    /// <summary>argmin over codes of |e|² − 2x·e for rows <paramref name="x"/> (M, D) and codes <paramref name="codes"/> (K, D), blockwise over rows.</summary>
    internal static Tensor NearestCodes(Tensor x, Tensor codes)
    {
        using var scope = NewDisposeScope();
        var norms = codes.square().sum(-1).unsqueeze(0);
        var codesT = codes.t();
        long m = x.shape[0];
        long block = Math.Max(1, ScoreBlockElements / Math.Max(1, codes.shape[0]));
        if (m <= block)
        {
            return addmm(norms, x, codesT, beta: 1, alpha: -2).argmin(-1).MoveToOuterDisposeScope();
        }

        var result = empty(m, dtype: ScalarType.Int64, device: x.device);
        for (long start = 0; start < m; start += block)
        {
            using var inner = NewDisposeScope();
            long length = Math.Min(block, m - start);
            result.narrow(0, start, length).copy_(addmm(norms, x.narrow(0, start, length), codesT, beta: 1, alpha: -2).argmin(-1));
        }

        return result.MoveToOuterDisposeScope();
    }

    private static Tensor DrawRows(long rows, long count, Device device) =>
        rows >= count ? randperm(rows, device: device)[..(int)count] : randint(0, rows, [count], device: device);

    private static (Tensor Means, Tensor Bins) KMeans(Tensor samples, int clusters, int iterations)
    {
        var means = samples.index_select(0, DrawRows(samples.shape[0], clusters, samples.device));
        Tensor bins = zeros(clusters, device: samples.device);
        for (int i = 0; i < iterations; i++)
        {
            var buckets = NearestCodes(samples, means);
            bins = buckets.bincount(null, clusters).to(samples.dtype);
            var empty = bins.eq(0);
            var newMeans = zeros_like(means).index_add_(0, buckets, samples, 1) / bins.masked_fill(empty, 1).unsqueeze(-1);
            means = where(empty.unsqueeze(-1), means, newMeans);
        }

        return (means, bins);
    }
}
