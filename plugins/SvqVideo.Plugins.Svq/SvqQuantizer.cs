using SvqVideo.Torch;
using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.Svq;

/// <summary>
/// The official SVQ module: tokens x (C) → regression weights w = MLP(x) (N) → output w·M with the
/// codebook M (N × C). No residual, no normalisation, no auxiliary loss.
/// <para>
/// Fast path (default where exact): after the hidden activation the module is affine, so
/// out = f(x)·(W₂ᵀM) + b₂ᵀM with the (h × C) product W₂ᵀM formed once per call; the tokens × N
/// weight tensor is never built. Autograd through that product gives the same gradients as the
/// explicit path. With <c>out_relu</c> the weights are not affine and the explicit path is used.
/// </para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class SvqQuantizer : QuantizerModule, IQuantizerDiagnostics, ICodebookUsage, IOnnxExportable
{
    // Field names are the reference state-dict keys.
    private readonly Parameter codebook;
    private readonly MLPProjection proj_regression_weight;

    public SvqQuantizer(QuantizerOptions options)
        : this(options, SvqSettings.From(options))
    {
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The initial codebook tensor becomes the Parameter's storage, owned by the module.")]
    private SvqQuantizer(QuantizerOptions options, SvqSettings settings)
        : base("SVQ", options)
    {
        Settings = settings;
        codebook = new Parameter(CodebookInitializer.Create(settings.Init, settings.CodebookSize, settings.Dimension), requires_grad: !settings.Frozen);
        proj_regression_weight = new MLPProjection(settings.Dimension, settings.CodebookSize, settings.Hidden, settings.Nonlinear, settings.HiddenRelu, settings.OutputRelu);
        RegisterComponents();
    }

    public SvqSettings Settings { get; }

    /// <summary>The codebook M (N, C).</summary>
    public Parameter Codebook => codebook;

    /// <summary>Quantizes latents (N, C, H, W).</summary>
    public override QuantizerOutput forward(Tensor latents)
    {
        using var scope = NewDisposeScope();
        long n = latents.shape[0], c = latents.shape[1], h = latents.shape[2], w = latents.shape[3];
        var tokens = latents.permute(0, 2, 3, 1).reshape(-1, c);
        var outTokens = Settings.UsesFastPath ? ForwardFactored(tokens) : ForwardExplicit(tokens).Output;
        var quantized = outTokens.reshape(n, h, w, c).permute(0, 3, 1, 2);
        var aux = zeros(Array.Empty<long>(), dtype: latents.dtype, device: latents.device);
        return new QuantizerOutput(quantized.MoveToOuterDisposeScope(), aux.MoveToOuterDisposeScope());
    }

    /// <summary>Token-level forward on (…, C): the factored product (never builds the … × N weights).</summary>
    /// <exception cref="InvalidOperationException">The configuration is not affine after the hidden layer (out_relu).</exception>
    internal Tensor ForwardFactored(Tensor tokens)
    {
        if (!proj_regression_weight.IsAffineAfterFeatures)
        {
            throw new InvalidOperationException("svq: the factored path is not exact with out_relu=true; use the explicit path");
        }

        using var scope = NewDisposeScope();
        var last = proj_regression_weight.Last;
        var features = proj_regression_weight.Features(tokens);
        var weightTimesCodebook = last.weight!.t().matmul(codebook);
        var result = features.matmul(weightTimesCodebook);
        if (last.bias is not null)
        {
            result = result + last.bias.matmul(codebook);
        }

        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Token-level forward on (…, C) in the reference order: weights (…, N), then weights·M.</summary>
    internal (Tensor Output, Tensor Weights) ForwardExplicit(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var weights = proj_regression_weight.forward(tokens);
        var output = weights.matmul(codebook);
        return (output.MoveToOuterDisposeScope(), weights.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// ONNX form on latents (N, C, H, W), with every token-wise Linear written as a 1×1 <c>Conv</c>. Where the
    /// weights are affine in the hidden features (every setting but <c>out_relu</c>) the codebook product is folded
    /// once, in float64: out = f(x)·(W₂ᵀM) + b₂ᵀM becomes one conv with weight MᵀW₂ (C × h) and bias Mᵀb₂, so the
    /// graph never forms the N regression weights. With <c>out_relu</c> the explicit form is written: weights
    /// (N channels), ReLU, then a bias-free conv with Mᵀ.
    /// </summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var mlp = proj_regression_weight;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var m = codebook.detach().cpu().to(ScalarType.Float64);
        string x = input;
        if (mlp.IsNonlinear)
        {
            using (graph.Scope("proj_regression_weight.linear_proj"))
            {
                x = graph.PointwiseLinear(mlp.First, x);
            }

            if (mlp.HasHiddenRelu)
            {
                x = graph.Op("Relu", [x]);
            }
        }

        var last = mlp.Last;
        if (mlp.HasOutputRelu)
        {
            using (graph.Scope("proj_regression_weight.linear_proj2"))
            {
                x = graph.Op("Relu", [graph.PointwiseLinear(last, x)]);
            }

            using var explicitScope = graph.Scope("codebook");
            return graph.PointwiseLinear(last, x, m.t().contiguous(), null);
        }

        var w = last.weight!.detach().cpu().to(ScalarType.Float64);
        var product = m.t().matmul(w);
        var bias = last.bias is { } b ? m.t().matmul(b.detach().cpu().to(ScalarType.Float64)) : null;
        using var folded = graph.Scope("codebook_product");
        return graph.PointwiseLinear(last, x, product, bias);
    }

    /// <summary>
    /// Codebook usage on up to <c>diagnostic_tokens</c> evenly spaced tokens of <paramref name="latents"/>:
    /// <c>perplexity_theta2</c>, <c>perplexity_theta3</c>, <c>used_codes_theta2</c>, <c>used_codes_theta3</c>
    /// and <c>kurtosis</c> (see <see cref="CodebookUsage"/>).
    /// </summary>
    public IReadOnlyDictionary<string, double> Diagnose(Tensor latents)
    {
        using var scope = NewDisposeScope();
        return CodebookUsage.Measure(SampledWeights(latents));
    }

    /// <summary>Uses per code at θ = 2 (the paper's perplexity threshold) on the same token sample as <see cref="Diagnose"/>.</summary>
    public Tensor CodeUsage(Tensor latents)
    {
        using var scope = NewDisposeScope();
        return CodebookUsage.Counts(SampledWeights(latents), 2.0).MoveToOuterDisposeScope();
    }

    private Tensor SampledWeights(Tensor latents)
    {
        ValidateLatents(latents);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var tokens = latents.permute(0, 2, 3, 1).reshape(-1, latents.shape[1]);
        long count = tokens.shape[0];
        if (count > Settings.DiagnosticTokens)
        {
            var rows = linspace(0, count - 1, Settings.DiagnosticTokens, device: tokens.device).round().to(ScalarType.Int64);
            tokens = tokens.index_select(0, rows);
        }

        return ForwardExplicit(tokens).Weights.MoveToOuterDisposeScope();
    }
}
