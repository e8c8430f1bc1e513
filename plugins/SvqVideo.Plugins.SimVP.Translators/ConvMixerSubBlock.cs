using SvqVideo.Torch.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// The <c>convmixer</c> translator block (OpenSTL <c>ConvMixerSubBlock</c>):
/// <c>x = x + norm_1(GELU(conv_dw(x)))</c> (depthwise k×k, 'same' padding), then
/// <c>out = norm_2(GELU(conv_pw(x)))</c> (1×1). The second half has no residual and both BatchNorms
/// come after the activation. No drop path, no dropout, mlp_ratio unused.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class ConvMixerSubBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv2d conv_dw;
    private readonly BatchNorm2d norm_1;
    private readonly Conv2d conv_pw;
    private readonly BatchNorm2d norm_2;

    /// <param name="dim">Channels C.</param>
    /// <param name="kernelSize">Depthwise kernel (the class default is 9; MetaBlock passes 11).</param>
    public ConvMixerSubBlock(int dim, int kernelSize = 9)
        : base(nameof(ConvMixerSubBlock))
    {
        BlockArguments.RequirePositive(dim, "dim");
        BlockArguments.RequirePositive(kernelSize, "kernel_size");
        conv_dw = nn.Conv2d(dim, dim, kernelSize, Padding.Same, groups: dim);
        norm_1 = nn.BatchNorm2d(dim);
        conv_pw = nn.Conv2d(dim, dim, 1);
        norm_2 = nn.BatchNorm2d(dim);
        RegisterComponents();
        ReferenceInit.ConvFanOut(this);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input + norm_1.forward(nn.functional.gelu(conv_dw.forward(input)));
        return scope.MoveToOuter(norm_2.forward(nn.functional.gelu(conv_pw.forward(x))));
    }

    /// <summary>
    /// ONNX form: each BatchNorm follows a GELU, so it stays a per-channel affine (x·scale + shift from its running
    /// statistics); nothing linear sits next to it to absorb it exactly.
    /// </summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        string x = Branch(graph, "conv_dw", conv_dw, "norm_1", norm_1, input);
        x = graph.Op("Add", [input, x]);
        return Branch(graph, "conv_pw", conv_pw, "norm_2", norm_2, x);
    }

    private static string Branch(IOnnxGraph graph, string convName, Conv2d conv, string normName, BatchNorm2d norm, string input)
    {
        string y;
        using (graph.Scope(convName))
        {
            y = graph.Gelu(graph.Conv(conv, input));
        }

        using var scope = graph.Scope(normName);
        var (scale, shift) = OnnxFolding.BatchNormAffine(norm);
        using (scale)
        using (shift)
        {
            return graph.ChannelAffine(y, scale, shift);
        }
    }
}
