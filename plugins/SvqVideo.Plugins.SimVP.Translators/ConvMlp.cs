using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// An MLP of 1×1 convolutions on (B, C, H, W): <c>fc1</c> C → hidden, GELU, dropout, <c>fc2</c> hidden → C,
/// dropout (PoolFormer's <c>Mlp</c>, UniFormer's <c>CMlp</c>, timm's <c>ConvMlp</c>). Default initialisation;
/// the owning block applies the reference's.
/// </summary>
internal sealed class ConvMlp : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d fc1;
    private readonly Conv2d fc2;
    private readonly Dropout drop;

    public ConvMlp(long inFeatures, long hiddenFeatures, double drop)
        : base(nameof(ConvMlp))
    {
        fc1 = nn.Conv2d(inFeatures, hiddenFeatures, 1);
        fc2 = nn.Conv2d(hiddenFeatures, inFeatures, 1);
        this.drop = nn.Dropout(drop);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var h = drop.forward(nn.functional.gelu(fc1.forward(input)));
        return scope.MoveToOuter(drop.forward(fc2.forward(h)));
    }
}
