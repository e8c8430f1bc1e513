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

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.permute(0, 2, 3, 1);
        x = nn.functional.layer_norm(x, [input.shape[1]], weight, bias, _eps);
        return scope.MoveToOuter(x.permute(0, 3, 1, 2).contiguous());
    }
}
