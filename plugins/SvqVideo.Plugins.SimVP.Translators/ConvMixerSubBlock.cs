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
internal sealed class ConvMixerSubBlock : nn.Module<Tensor, Tensor>
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
}
