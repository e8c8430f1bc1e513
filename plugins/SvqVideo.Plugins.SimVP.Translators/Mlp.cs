using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// An MLP of Linear layers on the last axis: <c>fc1</c> in → hidden, GELU, dropout, <c>fc2</c> hidden → in,
/// dropout (timm's and UniFormer's <c>Mlp</c>). Default initialisation; the owning block applies the reference's.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
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

    /// <summary>
    /// ONNX form on the last axis of any-rank input, of ls ⊙ Mlp(x·scale + shift): the input affine (a LayerNorm's)
    /// folded into <c>fc1</c>, the output scale into <c>fc2</c>; any may be null. Dropout is the identity at inference.
    /// </summary>
    public string ExportScaled(IOnnxGraph graph, string x, Tensor? scale, Tensor? shift, Tensor? layerScale)
    {
        using var scope = NewDisposeScope();
        var (w1, b1) = OnnxFolding.FoldInputAffine(fc1.weight!, fc1.bias, scale, shift);
        var (w2, b2) = layerScale is null ? OnnxFolding.FoldInputAffine(fc2.weight!, fc2.bias, null, null) : OnnxFolding.ScaleOutput(fc2.weight!, fc2.bias, layerScale);
        string h;
        using (graph.Scope("fc1"))
        {
            h = graph.Gelu(graph.Linear(fc1, x, w1, b1));
        }

        using var outScope = graph.Scope("fc2");
        return graph.Linear(fc2, h, w2, b2);
    }
}
