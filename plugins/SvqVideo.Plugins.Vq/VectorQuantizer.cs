using SvqVideo.Torch;
using SvqVideo.Torch.Onnx;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.Vq;

/// <summary>
/// vector-quantize-pytorch 1.12.5 <c>VectorQuantize</c> with one Euclidean EMA codebook: nearest code,
/// straight-through gradient in training, commitment loss (training only), EMA update with Laplace
/// smoothing and optional dead-code expiry inside the training forward (unless frozen).
/// </summary>
internal sealed class VectorQuantizer : QuantizerModule, IOnnxExportable
{
    // Field name is the reference state-dict key.
    private readonly EuclideanCodebook _codebook;

    public VectorQuantizer(QuantizerOptions options)
        : this(options, VqSettings.From(options), null)
    {
    }

    /// <summary>Builds a layer; <paramref name="sharedCodebook"/> is used instead of a new codebook when given.</summary>
    internal VectorQuantizer(QuantizerOptions options, VqSettings settings, EuclideanCodebook? sharedCodebook)
        : base("VectorQuantize", options)
    {
        Settings = settings;
        _codebook = sharedCodebook ?? new EuclideanCodebook(settings);
        RegisterComponents();
    }

    public VqSettings Settings { get; }

    public EuclideanCodebook Codebook => _codebook;

    /// <summary>Quantizes latents (N, C, H, W); indices (N, H, W); aux loss = commitment loss (training).</summary>
    public override QuantizerOutput forward(Tensor latents)
    {
        using var scope = NewDisposeScope();
        long n = latents.shape[0], c = latents.shape[1], h = latents.shape[2], w = latents.shape[3];
        var r = QuantizeTokens(latents.permute(0, 2, 3, 1).reshape(n, h * w, c));
        var quantized = r.Quantized.reshape(n, h, w, c).permute(0, 3, 1, 2);
        var indices = r.Indices.reshape(n, h, w);
        var usage = indices.flatten().bincount(null, Settings.CodebookSize).to(ScalarType.Float32);
        var loss = r.Loss.sum();
        var metrics = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["commit_loss"] = loss.detach().clone().MoveToOuterDisposeScope(),
            ["expired_codes"] = r.Expired.sum().to(ScalarType.Float32).MoveToOuterDisposeScope(),
        };
        return new QuantizerOutput(quantized.MoveToOuterDisposeScope(), loss.MoveToOuterDisposeScope(), indices.MoveToOuterDisposeScope(), usage.MoveToOuterDisposeScope(), metrics);
    }

    /// <summary>ONNX form of the eval forward: the nearest code of every latent position (see <see cref="EuclideanCodebook.ExportNearest"/>).</summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return EuclideanCodebook.ExportNearest(graph, _codebook.ExportConstants(graph), input);
    }

    /// <summary>
    /// The reference forward on channel-last tokens (…, D). <paramref name="freezeCodebook"/> overrides
    /// <see cref="VqSettings.Frozen"/> for this call (the reference's forward keyword).
    /// </summary>
    internal VqTokenOutput QuantizeTokens(Tensor tokens, bool? freezeCodebook = null)
    {
        using var scope = NewDisposeScope();
        long d = Settings.Dimension;
        var flat = tokens.reshape(-1, d).to(ScalarType.Float32);
        bool training = this.training;
        if (training)
        {
            _codebook.InitialiseIfNeeded(flat.detach());
        }

        var indices = _codebook.Nearest(flat.detach());
        var codes = _codebook.Lookup(indices);
        Tensor output, loss;
        if (training)
        {
            output = flat + (codes - flat).detach();
            loss = zeros(1, device: flat.device);
            if (Settings.CommitmentWeight > 0)
            {
                loss = loss + nn.functional.mse_loss(codes.detach(), flat) * Settings.CommitmentWeight;
            }
        }
        else
        {
            output = codes;
            loss = zeros(1, device: flat.device);
        }

        Tensor expired;
        if (training && !(freezeCodebook ?? Settings.Frozen))
        {
            expired = _codebook.Update(flat.detach(), indices).to(ScalarType.Int64).unsqueeze(0);
        }
        else
        {
            expired = zeros(1, Settings.CodebookSize, dtype: ScalarType.Int64, device: flat.device);
        }

        var quantized = output.reshape(tokens.shape).to(tokens.dtype);
        var shapedIndices = indices.reshape(tokens.shape[..^1]);
        return new VqTokenOutput(quantized.MoveToOuterDisposeScope(), shapedIndices.MoveToOuterDisposeScope(), loss.MoveToOuterDisposeScope(), expired.MoveToOuterDisposeScope());
    }
}
