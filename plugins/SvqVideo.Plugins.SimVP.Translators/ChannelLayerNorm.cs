using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// LayerNorm over the channels of (B, C, H, W) at each pixel: mean and biased variance over C, then a
/// per-channel affine (<c>weight</c>, <c>bias</c>). This is timm's <c>LayerNorm2d</c> (ConvNeXt) and HorNet's
/// channels-first <c>LayerNorm</c>.
/// <para>
/// The result is returned NCHW-contiguous, not as the channels-last view layer_norm leaves. libtorch picks a
/// convolution's kernels by its input's memory format: a channels-last input sends the 1×1 and depthwise convs that
/// follow (ConvNeXt's MLP, HorNet's gnconv) to oneDNN's channels-last brgemm kernels (<c>brgconv_1x1</c>,
/// <c>brdgmm_dw</c>), which no other translator uses; contiguous input keeps them on the NCHW kernels every block
/// shares. See docs/translators.md ("Memory format").
/// </para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class ChannelLayerNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly double _eps;

    public ChannelLayerNorm(long channels, double eps)
        : base("LayerNorm2d")
    {
        weight = nn.Parameter(ones(channels));
        bias = nn.Parameter(zeros(channels));
        _eps = eps;
        RegisterComponents();
    }

    /// <summary>The per-channel scale (γ).</summary>
    public Parameter Weight => weight;

    /// <summary>The per-channel shift (β).</summary>
    public Parameter Bias => bias;

    /// <summary>The variance epsilon.</summary>
    public double Eps => _eps;

    /// <summary>
    /// ONNX form of the normalisation without its affine (callers fold γ, β into the next 1×1 layer): mean and biased
    /// variance over the channel axis with <c>ReduceMean</c>, (x − mean)/√(var + eps).
    /// </summary>
    public string ExportNormalized(IOnnxGraph graph, string input) => ExportNormalized(graph, input, _eps);

    /// <summary>The same normalisation over the channel axis of (N, C, H, W) for any eps (a channels-last LayerNorm applied per pixel).</summary>
    public static string ExportNormalized(IOnnxGraph graph, string input, double eps)
    {
        string centred = graph.Op("Sub", [input, graph.ReduceMean(input, [1])]);
        string variance = graph.ReduceMean(graph.Op("Mul", [centred, centred]), [1]);
        string std = graph.Op("Sqrt", [graph.Op("Add", [variance, graph.Scalar("eps", eps)])]);
        return graph.Op("Div", [centred, std]);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.permute(0, 2, 3, 1);
        x = nn.functional.layer_norm(x, [input.shape[1]], weight, bias, _eps);
        return scope.MoveToOuter(x.permute(0, 3, 1, 2).contiguous());
    }
}
