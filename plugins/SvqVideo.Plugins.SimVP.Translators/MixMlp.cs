using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// OpenSTL's <c>MixMlp</c> (gSTA, VAN, TAU): 1×1 conv C → hidden, depthwise 3×3 (<c>dwconv.dwconv</c>),
/// GELU, dropout, 1×1 conv hidden → C, dropout. Conv weights start at N(0, 2/fan_out), biases at 0.
/// </summary>
internal sealed class MixMlp : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d fc1;
    private readonly DepthwiseConv dwconv;
    private readonly Conv2d fc2;
    private readonly Dropout drop;

    public MixMlp(long inFeatures, long hiddenFeatures, double drop)
        : base(nameof(MixMlp))
    {
        fc1 = nn.Conv2d(inFeatures, hiddenFeatures, 1);
        dwconv = new DepthwiseConv(hiddenFeatures);
        fc2 = nn.Conv2d(hiddenFeatures, inFeatures, 1);
        this.drop = nn.Dropout(drop);
        RegisterComponents();
        ReferenceInit.ConvFanOut(this);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var h = drop.forward(nn.functional.gelu(dwconv.forward(fc1.forward(input))));
        return scope.MoveToOuter(drop.forward(fc2.forward(h)));
    }
}
