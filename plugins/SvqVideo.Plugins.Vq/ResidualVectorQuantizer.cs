using System.Globalization;
using SvqVideo.Torch;
using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.Vq;

/// <summary>
/// vector-quantize-pytorch 1.12.5 <c>ResidualVQ</c>: <c>num_quantizers</c> VectorQuantize layers on
/// successive residuals (r₀ = x, rᵢ₊₁ = rᵢ − qᵢ detached), output Σ qᵢ. With a shared codebook every
/// layer holds the same <see cref="EuclideanCodebook"/> (listed under every <c>layers.{i}._codebook</c>
/// key), so in a training forward it is EMA-updated once per layer, in layer order, and layer i+1
/// quantizes against the codebook layers 0..i already moved — exactly as 1.12.5 does.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class ResidualVectorQuantizer : QuantizerModule, IOnnxExportable
{
    public const int DefaultCodebookSize = 1024;
    public const int DefaultQuantizers = 8;

    // Field name is the reference state-dict key.
    private readonly ModuleList<VectorQuantizer> layers;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The shared codebook is owned by the layers' module tree, which disposes it.")]
    public ResidualVectorQuantizer(QuantizerOptions options)
        : base("ResidualVQ", options)
    {
        Settings = VqSettings.From(options, DefaultCodebookSize, ["num_quantizers", "shared_codebook", "loss_reduction"]);
        try
        {
            Quantizers = options.GetInt("num_quantizers", DefaultQuantizers);
            SharedCodebook = options.GetBool("shared_codebook", true);
            LossReduction = options.GetString("loss_reduction", "sum")!;
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"{options.Kind}: {e.Message}", nameof(options), e);
        }

        if (Quantizers <= 0)
        {
            throw new ArgumentException($"{options.Kind}: parameter 'num_quantizers' must be positive, got {Quantizers}", nameof(options));
        }

        if (LossReduction is not ("sum" or "mean"))
        {
            throw new ArgumentException($"{options.Kind}: parameter 'loss_reduction' must be 'sum' or 'mean', got '{LossReduction}'", nameof(options));
        }

        var shared = SharedCodebook ? new EuclideanCodebook(Settings) : null;
        layers = new ModuleList<VectorQuantizer>();
        for (int i = 0; i < Quantizers; i++)
        {
            layers.Add(new VectorQuantizer(options, Settings, shared));
        }

        RegisterComponents();
    }

    public VqSettings Settings { get; }

    public int Quantizers { get; }

    public bool SharedCodebook { get; }

    /// <summary>How the per-layer commitment losses become the aux loss: <c>sum</c> (default) or <c>mean</c> (as SVQ-Forecasting did).</summary>
    public string LossReduction { get; }

    public IReadOnlyList<VectorQuantizer> Layers => [.. layers];

    /// <summary>Quantizes latents (N, C, H, W); indices (N, H, W, Q); aux loss = reduced per-layer commitment losses.</summary>
    public override QuantizerOutput forward(Tensor latents)
    {
        using var scope = NewDisposeScope();
        long n = latents.shape[0], c = latents.shape[1], h = latents.shape[2], w = latents.shape[3];
        var r = QuantizeTokens(latents.permute(0, 2, 3, 1).reshape(n, h * w, c));
        var quantized = r.Quantized.reshape(n, h, w, c).permute(0, 3, 1, 2);
        var indices = r.Indices.reshape(n, h, w, Quantizers);
        var usage = indices.flatten().bincount(null, Settings.CodebookSize).to(ScalarType.Float32);
        var perLayer = r.Loss.reshape(Quantizers);
        var loss = LossReduction == "mean" ? perLayer.mean() : perLayer.sum();
        var metrics = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < Quantizers; i++)
        {
            metrics[$"commit_loss_layer{i}"] = perLayer[i].detach().clone().MoveToOuterDisposeScope();
        }

        metrics["expired_codes"] = r.Expired.sum().to(ScalarType.Float32).MoveToOuterDisposeScope();
        return new QuantizerOutput(quantized.MoveToOuterDisposeScope(), loss.MoveToOuterDisposeScope(), indices.MoveToOuterDisposeScope(), usage.MoveToOuterDisposeScope(), metrics);
    }

    /// <summary>
    /// ONNX form of the eval forward: layer i takes the nearest code of the residual rᵢ, rᵢ₊₁ = rᵢ − qᵢ, and the
    /// output is q₀ + q₁ + … summed in layer order, as <see cref="QuantizeTokens"/> does. A shared codebook's
    /// constants are written once.
    /// </summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var written = new Dictionary<EuclideanCodebook, (string, string, string)>(ReferenceEqualityComparer.Instance);
        string residual = input;
        string? sum = null;
        for (int i = 0; i < layers.Count; i++)
        {
            using var scope = graph.Scope("layers." + i.ToString(CultureInfo.InvariantCulture));
            var codebook = layers[i].Codebook;
            if (!written.TryGetValue(codebook, out var constants))
            {
                constants = codebook.ExportConstants(graph);
                written[codebook] = constants;
            }

            string q = EuclideanCodebook.ExportNearest(graph, constants, residual);
            sum = sum is null ? q : graph.Op("Add", [sum, q]);
            if (i < layers.Count - 1)
            {
                residual = graph.Op("Sub", [residual, q]);
            }
        }

        return sum!;
    }

    /// <summary>The reference forward on channel-last tokens (…, D): quantized (…, D), indices (…, Q), loss (1, Q).</summary>
    internal VqTokenOutput QuantizeTokens(Tensor tokens, bool? freezeCodebook = null)
    {
        using var scope = NewDisposeScope();
        var residual = tokens;
        Tensor? sum = null;
        var indices = new List<Tensor>();
        var losses = new List<Tensor>();
        var expired = new List<Tensor>();
        foreach (var layer in layers)
        {
            var r = layer.QuantizeTokens(residual, freezeCodebook);
            residual = residual - r.Quantized.detach();
            sum = sum is null ? r.Quantized : sum + r.Quantized;
            indices.Add(r.Indices);
            losses.Add(r.Loss);
            expired.Add(r.Expired);
        }

        var result = new VqTokenOutput(sum!, stack(indices, -1), stack(losses, -1), cat(expired, 0));
        return new VqTokenOutput(
            result.Quantized.MoveToOuterDisposeScope(),
            result.Indices.MoveToOuterDisposeScope(),
            result.Loss.MoveToOuterDisposeScope(),
            result.Expired.MoveToOuterDisposeScope());
    }
}
