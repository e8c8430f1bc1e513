using SvqVideo.Torch;
using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.Lfq;

/// <summary>
/// vector-quantize-pytorch 1.12.5 <c>LFQ</c> (one codebook): each of the d = log2(K) features is
/// quantized to ±scale by its sign; the index reads the signs as bits, most significant first
/// (buffer <c>mask</c> = 2^(d−1) … 1). Training uses the straight-through estimator and an entropy
/// aux loss over all 2^d codes per token, plus a commitment loss. By default (<c>fast_path</c>) the entropy
/// terms are computed from per-bit probabilities without the tokens × 2^d matrix (<see cref="FactoredEntropies"/>);
/// <c>fast_path=false</c> builds that matrix as the reference does (<see cref="DenseEntropies"/>).
/// Optional Linear <c>project_in</c>/<c>project_out</c> when Dimension ≠ d.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class LookupFreeQuantizer : QuantizerModule, IOnnxExportable
{
    // Field names are the reference state-dict keys.
    private readonly Tensor mask;
    private readonly Linear? project_in;
    private readonly Linear? project_out;

    public LookupFreeQuantizer(QuantizerOptions options)
        : this(options, LfqSettings.From(options))
    {
    }

    private LookupFreeQuantizer(QuantizerOptions options, LfqSettings settings)
        : base("LFQ", options)
    {
        Settings = settings;
        int d = settings.CodebookDim;
        mask = pow(2, arange(d - 1, -1, -1, dtype: ScalarType.Int64));
        if (settings.HasProjections)
        {
            project_in = nn.Linear(settings.Dimension, d);
            project_out = nn.Linear(d, settings.Dimension);
        }

        RegisterComponents();
    }

    public LfqSettings Settings { get; }

    /// <summary>Quantizes latents (N, C, H, W); indices (N, H, W); aux loss = the entropy + commitment loss (training).</summary>
    public override QuantizerOutput forward(Tensor latents)
    {
        using var scope = NewDisposeScope();
        long n = latents.shape[0], c = latents.shape[1], h = latents.shape[2], w = latents.shape[3];
        var r = QuantizeTokens(latents.permute(0, 2, 3, 1).reshape(n, h * w, c));
        var quantized = r.Quantized.reshape(n, h, w, c).permute(0, 3, 1, 2);
        var indices = r.Indices.reshape(n, h, w);
        var usage = indices.flatten().bincount(null, Settings.CodebookSize).to(ScalarType.Float32);
        var metrics = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["per_sample_entropy"] = r.PerSampleEntropy.MoveToOuterDisposeScope(),
            ["codebook_entropy"] = r.CodebookEntropy.MoveToOuterDisposeScope(),
            ["commit_loss"] = r.CommitLoss.MoveToOuterDisposeScope(),
        };
        return new QuantizerOutput(quantized.MoveToOuterDisposeScope(), r.AuxLoss.MoveToOuterDisposeScope(), indices.MoveToOuterDisposeScope(), usage.MoveToOuterDisposeScope(), metrics);
    }

    /// <summary>
    /// ONNX form of the eval forward on latents (N, C, H, W): <c>project_in</c> as a 1×1 <c>Conv</c> (when present),
    /// ±codebook_scale by <c>Greater</c> than 0 and <c>Where</c> (so 0 maps to −scale, as here), <c>project_out</c>.
    /// </summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        string x = input;
        if (project_in is not null)
        {
            using var scope = graph.Scope("project_in");
            x = graph.PointwiseLinear(project_in, x);
        }

        double scale = Settings.CodebookScale;
        string positive = graph.Op("Greater", [x, graph.Scalar("zero", 0.0)]);
        string codes = graph.Op("Where", [positive, graph.Scalar("codebook_scale", scale), graph.Scalar("negative_codebook_scale", -scale)]);
        if (project_out is null)
        {
            return codes;
        }

        using var outScope = graph.Scope("project_out");
        return graph.PointwiseLinear(project_out, codes);
    }

    /// <summary>The reference forward on channel-last tokens (…, Dimension).</summary>
    internal LfqTokenOutput QuantizeTokens(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var x = project_in is null ? tokens : project_in.forward(tokens);
        double scale = Settings.CodebookScale;
        var positive = x.gt(0);
        var codes = where(positive, full_like(x, scale), full_like(x, -scale));
        var indices = (positive.to(ScalarType.Int64) * mask.to(ScalarType.Int64, x.device)).sum(-1);

        Tensor quantized, aux, perSample, codebookEntropy, commit;
        var zero = zeros(Array.Empty<long>(), dtype: x.dtype, device: x.device);
        if (training)
        {
            quantized = x + (codes - x).detach();
            (perSample, codebookEntropy) = Settings.FastPath ? FactoredEntropies(x) : DenseEntropies(x);
            commit = (x - quantized.detach()).pow(2).mean();
            aux = (perSample - Settings.DiversityGamma * codebookEntropy) * Settings.EntropyLossWeight + commit * Settings.CommitmentLossWeight;
        }
        else
        {
            quantized = codes;
            aux = zero;
            perSample = zero;
            codebookEntropy = zero;
            commit = zero;
        }

        var output = project_out is null ? quantized : project_out.forward(quantized);
        return new LfqTokenOutput(
            output.MoveToOuterDisposeScope(),
            indices.MoveToOuterDisposeScope(),
            aux.MoveToOuterDisposeScope(),
            perSample.detach().MoveToOuterDisposeScope(),
            codebookEntropy.detach().MoveToOuterDisposeScope(),
            commit.detach().MoveToOuterDisposeScope());
    }

    /// <summary>The codes (K, d) of every index: the bits of the index, MSB first, mapped {0, 1} → {−scale, +scale}.</summary>
    internal Tensor AllCodes(Tensor like)
    {
        using var scope = NewDisposeScope();
        var bits = arange(Settings.CodebookSize, dtype: ScalarType.Int64, device: like.device).unsqueeze(-1)
            .bitwise_and(mask.to(ScalarType.Int64, like.device)).ne(0).to(like.dtype);
        return (bits * (2 * Settings.CodebookScale) - Settings.CodebookScale).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The reference's entropy terms as it computes them: prob = softmax over all K codes of
    /// 2·inv_temperature·x·code (tokens × K), per-sample entropy = mean over tokens of H(prob), codebook
    /// entropy = H(mean over tokens of prob), H(p) = −Σ p·log(max(p, 1e-5)).
    /// </summary>
    internal (Tensor PerSample, Tensor Codebook) DenseEntropies(Tensor x)
    {
        using var scope = NewDisposeScope();
        var logits = x.matmul(AllCodes(x).t()) * (2 * Settings.InverseTemperature);
        var prob = logits.softmax(-1);
        var perSample = Entropy(prob).mean();
        var codebook = Entropy(prob.reshape(-1, Settings.CodebookSize).mean([0L]));
        return (perSample.MoveToOuterDisposeScope(), codebook.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The same two values as <see cref="DenseEntropies"/>, computed without the tokens × K matrix.
    /// The logit of code k is a sum of one term per bit, so the softmax over codes is a product of
    /// independent bits: P(bit j = +) = sigmoid(4·inv_temperature·scale·x_j). Splitting the d bits into a
    /// high half (a bits) and a low half (b bits), p(k = i·2^b + l) = A_i·B_l with per-token tables
    /// A (2^a) and B (2^b). Then
    /// <list type="bullet">
    /// <item>mean over tokens of p = AᵀB / tokens (one small GEMM), so the codebook entropy is exact;</item>
    /// <item>per token, −Σ p·log p = Σ_j (binary entropy of bit j), and the clamp max(p, 1e-5) only changes
    /// the terms with log A_i + log B_l &lt; log 1e-5, each by p·(log p − log 1e-5). For each i those l form
    /// a prefix of B sorted by log B_l, so with prefix sums of B_l and B_l·log B_l the clamped entropy costs
    /// O((2^a + 2^b)·b) per token (sort, searchsorted, gather) instead of O(2^d).</item>
    /// </list>
    /// Mathematically identical to the reference (including the clamp); differences are float32 rounding.
    /// Gradients come from autograd through these operations (the searchsorted positions are constants, and
    /// a term at the clamp boundary contributes zero either way).
    /// </summary>
    internal (Tensor PerSample, Tensor Codebook) FactoredEntropies(Tensor x)
    {
        using var scope = NewDisposeScope();
        int d = Settings.CodebookDim;
        var flat = x.reshape(-1, d);
        long tokens = flat.shape[0];
        var z = flat * (4 * Settings.InverseTemperature * Settings.CodebookScale);
        var logPlus = nn.functional.logsigmoid(z);
        var logMinus = nn.functional.logsigmoid(-z);

        // −Σ_k p_k·log p_k of a product distribution = the sum of the per-bit entropies.
        var unclamped = -(logPlus.exp() * logPlus + logMinus.exp() * logMinus).sum(-1);

        int high = (d + 1) / 2, low = d - high;
        var logHigh = HalfTable(logPlus, logMinus, 0, high);
        var logLow = HalfTable(logPlus, logMinus, high, low);
        var probHigh = logHigh.exp();

        // Clamp correction: Σ over (i, l) with log A_i + log B_l < log ε of A_i·B_l·(log A_i + log B_l − log ε).
        // For each i the l in that set are a prefix of the low table sorted by log B_l (sorting the smaller table,
        // searching with the larger one, was the faster way round in measurements).
        var sortedLog = logLow.sort(-1).Values;
        var sortedProb = sortedLog.exp();
        var start = zeros(tokens, 1, dtype: x.dtype, device: x.device);
        var prefixMass = cat([start, sortedProb.cumsum(-1)], -1);
        var prefixMoment = cat([start, (sortedProb * sortedLog).cumsum(-1)], -1);
        var below = searchsorted(sortedLog.detach(), (LogEntropyClamp - logHigh).detach());
        var correction = (probHigh * ((logHigh - LogEntropyClamp) * prefixMass.gather(-1, below) + prefixMoment.gather(-1, below))).sum(-1);
        var perSample = (unclamped + correction).mean();

        var meanProb = probHigh.t().matmul(logLow.exp()).div(tokens).reshape(Settings.CodebookSize);
        var codebook = Entropy(meanProb);
        return (perSample.MoveToOuterDisposeScope(), codebook.MoveToOuterDisposeScope());
    }

    // log(1e-5): the reference's entropy clamp.
    private static readonly double LogEntropyClamp = Math.Log(EntropyClamp);

    private const double EntropyClamp = 1e-5;

    /// <summary>
    /// Per-token log-probabilities (tokens, 2^count) of the codes formed by bits start … start+count−1
    /// (first of them most significant); (tokens, 1) zeros when count is 0.
    /// </summary>
    private static Tensor HalfTable(Tensor logPlus, Tensor logMinus, int start, int count)
    {
        if (count == 0)
        {
            return zeros(logPlus.shape[0], 1, dtype: logPlus.dtype, device: logPlus.device);
        }

        using var scope = NewDisposeScope();
        var shifts = arange(count - 1, -1, -1, dtype: ScalarType.Int64, device: logPlus.device);
        var bits = arange(1L << count, dtype: ScalarType.Int64, device: logPlus.device).unsqueeze(-1)
            .bitwise_right_shift(shifts).bitwise_and(1).to(logPlus.dtype);
        var table = logPlus.narrow(1, start, count).matmul(bits.t()) + logMinus.narrow(1, start, count).matmul((1 - bits).t());
        return table.MoveToOuterDisposeScope();
    }

    private static Tensor Entropy(Tensor prob) => -(prob * prob.clamp_min(EntropyClamp).log()).sum(-1);
}
