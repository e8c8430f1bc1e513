using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// LayerNorm over the channels of (B, C, H, W) at each pixel: mean and biased variance over C, then a
/// per-channel affine (<c>weight</c>, <c>bias</c>). This is timm's <c>LayerNorm2d</c> (ConvNeXt) and HorNet's
/// channels-first <c>LayerNorm</c>.
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
        return scope.MoveToOuter(x.permute(0, 3, 1, 2));
    }
}
