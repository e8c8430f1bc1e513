using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// An MLP of Linear layers on the last axis: <c>fc1</c> in → hidden, GELU, dropout, <c>fc2</c> hidden → in,
/// dropout (timm's and UniFormer's <c>Mlp</c>). Default initialisation; the owning block applies the reference's.
/// </summary>
internal sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Dropout drop;

    public Mlp(long inFeatures, long hiddenFeatures, double drop)
        : base(nameof(Mlp))
    {
        fc1 = nn.Linear(inFeatures, hiddenFeatures);
        fc2 = nn.Linear(hiddenFeatures, inFeatures);
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
