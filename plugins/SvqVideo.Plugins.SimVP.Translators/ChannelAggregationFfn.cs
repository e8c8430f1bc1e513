using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// MogaNet's channel-aggregation FFN (<c>ChannelAggregationFFN</c>): <c>h = GELU(dwconv(fc1 u))</c> (1×1 C → m,
/// depthwise 3×3), dropout, <c>h = h + sigma ⊙ (h − GELU(decompose h))</c> with <c>decompose</c> a 1×1 conv
/// m → 1 whose output broadcasts over the m channels, then <c>fc2</c> (1×1 m → C), dropout.
/// <c>sigma</c> has shape (1, m, 1, 1) and starts at 1e-5.
/// </summary>
internal sealed class ChannelAggregationFfn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d fc1;
    private readonly Conv2d dwconv;
    private readonly Conv2d fc2;
    private readonly Dropout drop;
    private readonly Conv2d decompose;
    private readonly Parameter sigma;

    public ChannelAggregationFfn(long dim, long hidden, double drop, int kernelSize = 3)
        : base("ChannelAggregationFFN")
    {
        fc1 = nn.Conv2d(dim, hidden, 1);
        dwconv = nn.Conv2d(hidden, hidden, kernelSize, padding: kernelSize / 2, groups: hidden);
        fc2 = nn.Conv2d(hidden, dim, 1);
        this.drop = nn.Dropout(drop);
        decompose = nn.Conv2d(hidden, 1, 1);
        sigma = ReferenceInit.Filled([1, hidden, 1, 1], 1e-5);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var h = drop.forward(nn.functional.gelu(dwconv.forward(fc1.forward(input))));
        h = h + sigma * (h - nn.functional.gelu(decompose.forward(h)));
        return scope.MoveToOuter(drop.forward(fc2.forward(h)));
    }
}
