using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// An MLP of 1×1 convolutions on (B, C, H, W): <c>fc1</c> C → hidden, GELU, dropout, <c>fc2</c> hidden → C,
/// dropout (PoolFormer's <c>Mlp</c>, UniFormer's <c>CMlp</c>, timm's <c>ConvMlp</c>). Default initialisation;
/// the owning block applies the reference's.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
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

    /// <summary>
    /// ONNX form of ls ⊙ ConvMlp(x·scale + shift): the input affine (a norm's) folded into <c>fc1</c>, the output scale
    /// (a layer scale) into <c>fc2</c>; any of them may be null. Dropout is the identity at inference.
    /// </summary>
    public string ExportScaled(IOnnxGraph graph, string x, Tensor? scale, Tensor? shift, Tensor? layerScale)
    {
        var (w1, b1) = OnnxFolding.FoldInputAffine(fc1.weight!, fc1.bias, scale, shift);
        var (w2, b2) = layerScale is null ? OnnxFolding.FoldInputAffine(fc2.weight!, fc2.bias, null, null) : OnnxFolding.ScaleOutput(fc2.weight!, fc2.bias, layerScale);
        using (w1)
        using (b1)
        using (w2)
        using (b2)
        {
            string h;
            using (graph.Scope("fc1"))
            {
                h = graph.Gelu(graph.Conv(fc1, x, w1, b1));
            }

            using var scope = graph.Scope("fc2");
            return graph.Conv(fc2, h, w2, b2);
        }
    }
}
