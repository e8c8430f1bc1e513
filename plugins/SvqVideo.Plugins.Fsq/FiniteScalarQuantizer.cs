using SvqVideo.Torch;
using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.Fsq;

/// <summary>
/// vector-quantize-pytorch 1.12.5 <c>FSQ</c>: per feature j with L_j levels, a tanh bound
/// (half_l = (L−1)(1−1e-3)/2, offset 0.5 for even L, shift = atanh(offset/half_l)), then
/// round-half-to-even with the straight-through estimator, divided by L//2 (codes in [−1, 1]).
/// Index = Σ_j level_j·basis_j with basis = cumprod([1, L₀, L₀L₁, …]) (first feature least significant).
/// Optional Linear <c>project_in</c>/<c>project_out</c> when Dimension ≠ number of levels. No state, no aux loss.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class FiniteScalarQuantizer : QuantizerModule, IOnnxExportable
{
    private const double BoundEps = 1e-3;

    private readonly int[] _levels;
    private readonly long[] _basis;

    // Field names are the reference state-dict keys.
    private readonly Linear? project_in;
    private readonly Linear? project_out;

    public FiniteScalarQuantizer(QuantizerOptions options)
        : base("FSQ", options)
    {
        options.ThrowIfUnknownParameters(["levels"]);
        try
        {
            _levels = options.GetIntList("levels", FsqQuantizerFactory.DefaultLevels);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"fsq: {e.Message}", nameof(options), e);
        }

        if (_levels.Length == 0 || _levels.Any(l => l < 3))
        {
            throw new ArgumentException($"fsq: every entry of 'levels' must be >= 3 (1.12.5's bound is NaN for 2 levels), got [{string.Join(",", _levels)}]", nameof(options));
        }

        _basis = new long[_levels.Length];
        long product = 1;
        for (int j = 0; j < _levels.Length; j++)
        {
            _basis[j] = product;
            product *= _levels[j];
        }

        CodebookSize = product;
        if (options.CodebookSize != 0 && options.CodebookSize != product)
        {
            throw new ArgumentException($"fsq: CodebookSize {options.CodebookSize} does not equal the product of levels [{string.Join(",", _levels)}] = {product} (leave it 0)", nameof(options));
        }

        if (options.Dimension != _levels.Length)
        {
            project_in = nn.Linear(options.Dimension, _levels.Length);
            project_out = nn.Linear(_levels.Length, options.Dimension);
        }

        RegisterComponents();
    }

    /// <summary>Number of codes, ∏ levels.</summary>
    public long CodebookSize { get; }

    public IReadOnlyList<int> Levels => _levels;

    /// <summary>Quantizes latents (N, C, H, W); indices (N, H, W); aux loss zero.</summary>
    public override QuantizerOutput forward(Tensor latents)
    {
        using var scope = NewDisposeScope();
        long n = latents.shape[0], c = latents.shape[1], h = latents.shape[2], w = latents.shape[3];
        var (quantizedTokens, indexTokens) = QuantizeTokens(latents.permute(0, 2, 3, 1).reshape(n, h * w, c));
        var quantized = quantizedTokens.reshape(n, h, w, c).permute(0, 3, 1, 2);
        var indices = indexTokens.reshape(n, h, w);
        var usage = indices.flatten().bincount(null, CodebookSize).to(ScalarType.Float32);
        var aux = zeros(Array.Empty<long>(), dtype: latents.dtype, device: latents.device);
        return new QuantizerOutput(quantized.MoveToOuterDisposeScope(), aux.MoveToOuterDisposeScope(), indices.MoveToOuterDisposeScope(), usage.MoveToOuterDisposeScope());
    }

    /// <summary>The reference forward on channel-last tokens (…, Dimension): (output, indices).</summary>
    internal (Tensor Output, Tensor Indices) QuantizeTokens(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var z = project_in is null ? tokens : project_in.forward(tokens);
        var (levels, halfWidth) = LevelTensors(z);
        var halfL = (levels - 1) * ((1 - BoundEps) / 2);
        var offset = where(levels.remainder(2).eq(0), 0.5, 0.0).to(z.dtype);
        var shift = (offset / halfL).atanh();
        var bounded = (z + shift).tanh() * halfL - offset;
        var rounded = bounded + (bounded.round() - bounded).detach();
        var codes = rounded / halfWidth;
        var indices = CodesToIndices(codes);
        var output = project_out is null ? codes : project_out.forward(codes);
        return (output.MoveToOuterDisposeScope(), indices.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// ONNX form of the forward on latents (N, C, H, W): <c>project_in</c> as a 1×1 <c>Conv</c> (when present), the
    /// bound tanh(z + shift)·half_l − offset with per-feature constants computed in float32 exactly as
    /// <see cref="QuantizeTokens"/> computes them, <c>Round</c> (half to even, as torch), ÷ L//2, <c>project_out</c>.
    /// </summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        string z = input;
        if (project_in is not null)
        {
            using var scope = graph.Scope("project_in");
            z = graph.PointwiseLinear(project_in, z);
        }

        using (var constants = NewDisposeScope())
        using (no_grad())
        {
            var like = zeros(1, dtype: ScalarType.Float32);
            var (levels, halfWidth) = LevelTensors(like);
            var halfL = (levels - 1) * ((1 - BoundEps) / 2);
            var offset = where(levels.remainder(2).eq(0), 0.5, 0.0).to(ScalarType.Float32);
            var shift = (offset / halfL).atanh();
            string PerFeature(string name, Tensor t) => graph.Initializer(name, t.reshape(-1, 1, 1));
            z = graph.Op("Tanh", [graph.Op("Add", [z, PerFeature("shift", shift)])]);
            z = graph.Op("Sub", [graph.Op("Mul", [z, PerFeature("half_l", halfL)]), PerFeature("offset", offset)]);
            z = graph.Op("Div", [graph.Op("Round", [z]), PerFeature("half_width", halfWidth)]);
        }

        if (project_out is null)
        {
            return z;
        }

        using var outScope = graph.Scope("project_out");
        return graph.PointwiseLinear(project_out, z);
    }

    /// <summary>Indices (…) of codes (…, levels) in [−1, 1].</summary>
    internal Tensor CodesToIndices(Tensor codes)
    {
        using var scope = NewDisposeScope();
        var (_, halfWidth) = LevelTensors(codes);
        var basis = tensor(_basis, device: codes.device).to(codes.dtype);
        var levelIndex = codes.detach() * halfWidth + halfWidth;
        return (levelIndex * basis).sum(-1).round().to(ScalarType.Int64).MoveToOuterDisposeScope();
    }

    /// <summary>Codes (…, levels) of <paramref name="indices"/> (…), before <c>project_out</c>.</summary>
    internal Tensor CodesFromIndices(Tensor indices)
    {
        using var scope = NewDisposeScope();
        var basis = tensor(_basis, device: indices.device);
        var levels = tensor(_levels.Select(l => (long)l).ToArray(), device: indices.device);
        var halfWidth = levels.div(2, RoundingMode.floor);
        var levelIndex = indices.unsqueeze(-1).div(basis, RoundingMode.floor).remainder(levels);
        return ((levelIndex - halfWidth).to(ScalarType.Float32) / halfWidth.to(ScalarType.Float32)).MoveToOuterDisposeScope();
    }

    private (Tensor Levels, Tensor HalfWidth) LevelTensors(Tensor like)
    {
        var levels = tensor(_levels.Select(l => (float)l).ToArray(), device: like.device).to(like.dtype);
        var halfWidth = tensor(_levels.Select(l => (float)(l / 2)).ToArray(), device: like.device).to(like.dtype);
        return (levels, halfWidth);
    }
}
