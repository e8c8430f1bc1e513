using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// OpenSTL's <c>BasicConv2d</c> with <c>act_norm=True</c>: Conv2d → GroupNorm(2) → SiLU, or for the
/// upsampling variant Conv2d to 4·C_out → PixelShuffle(2) → GroupNorm(2) → SiLU. Keys <c>conv.*</c>
/// (<c>conv.0.*</c> when upsampling) and <c>norm.*</c>. Conv weights start truncated-normal (std 0.02), biases 0,
/// as the reference initialises them; the GroupNorm starts at weight 1, bias 0.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class BasicConv2d : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv;
    private readonly GroupNorm norm;
    private readonly bool _upsampling;

    public BasicConv2d(int cIn, int cOut, int kernelSize, int stride, int padding, bool upsampling)
        : base(nameof(BasicConv2d))
    {
        _upsampling = upsampling;
        if (upsampling)
        {
            var inner = nn.Conv2d(cIn, cOut * 4, kernelSize, stride: 1, padding: padding);
            InitConv(inner);
            conv = nn.Sequential(inner, new PixelShuffle2d(2));
        }
        else
        {
            var inner = nn.Conv2d(cIn, cOut, kernelSize, stride: stride, padding: padding);
            InitConv(inner);
            conv = inner;
        }

        norm = nn.GroupNorm(2, cOut);
        InitNorm(norm);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.silu(norm.forward(conv.forward(input)));
        return scope.MoveToOuter(y);
    }

    /// <summary>
    /// ONNX form: <c>Conv</c> (then <c>DepthToSpace</c> in CRD mode, which is PyTorch's pixel shuffle, when
    /// upsampling), GroupNorm, SiLU.
    /// </summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        string y;
        using (graph.Scope("conv"))
        {
            y = _upsampling
                ? graph.Op("DepthToSpace", [graph.Conv(conv.children().OfType<Conv2d>().First(), input)], ("blocksize", 2L), ("mode", "CRD"))
                : graph.Conv((Conv2d)conv, input);
        }

        using (graph.Scope("norm"))
        {
            return graph.Silu(graph.GroupNorm(norm, y));
        }
    }

    /// <summary>TorchSharp 0.107's GroupNorm leaves its affine parameters uninitialised; PyTorch starts them at 1 and 0.</summary>
    private static void InitNorm(GroupNorm n)
    {
        using var noGrad = no_grad();
        if (n.weight is { } weight)
        {
            nn.init.ones_(weight);
        }

        if (n.bias is { } bias)
        {
            nn.init.zeros_(bias);
        }
    }

    private static void InitConv(Conv2d c)
    {
        using var noGrad = no_grad();
        nn.init.trunc_normal_(c.weight, 0, 0.02);
        if (c.bias is { } bias)
        {
            nn.init.zeros_(bias);
        }
    }
}
