using SvqVideo.Torch;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.Lfq;

/// <summary>
/// vector-quantize-pytorch 1.12.5 <c>LFQ</c> (one codebook): each of the d = log2(K) features is
/// quantized to ±scale by its sign; the index reads the signs as bits, most significant first
/// (buffer <c>mask</c> = 2^(d−1) … 1). Training uses the straight-through estimator and an entropy
/// aux loss over all 2^d codes per token (memory tokens × 2^d), plus a commitment loss.
/// Optional Linear <c>project_in</c>/<c>project_out</c> when Dimension ≠ d.
/// </summary>
internal sealed class LookupFreeQuantizer : QuantizerModule
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
            var logits = x.matmul(AllCodes(x).t()) * (2 * Settings.InverseTemperature);
            var prob = logits.softmax(-1);
            perSample = Entropy(prob).mean();
            codebookEntropy = Entropy(prob.reshape(-1, Settings.CodebookSize).mean([0L]));
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

    private static Tensor Entropy(Tensor prob) => -(prob * prob.clamp_min(1e-5).log()).sum(-1);
}
