using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// OpenSTL's <c>MixMlp</c> (gSTA, VAN, TAU): 1×1 conv C → hidden, depthwise 3×3 (<c>dwconv.dwconv</c>),
/// GELU, dropout, 1×1 conv hidden → C, dropout. Conv weights start at N(0, 2/fan_out), biases at 0.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
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

    /// <summary>
    /// ONNX form of ls ⊙ MixMlp(x·scale + shift): the input affine (a BatchNorm) folded into <c>fc1</c>, the layer
    /// scale into <c>fc2</c>; dropout is the identity at inference.
    /// </summary>
    public string ExportScaled(IOnnxGraph graph, string x, Tensor scale, Tensor shift, Tensor layerScale)
    {
        var (w1, b1) = OnnxFolding.FoldInputAffine(fc1.weight!, fc1.bias, scale, shift);
        var (w2, b2) = OnnxFolding.ScaleOutput(fc2.weight!, fc2.bias, layerScale);
        using (w1)
        using (b1)
        using (w2)
        using (b2)
        {
            string h;
            using (graph.Scope("fc1"))
            {
                h = graph.Conv(fc1, x, w1, b1);
            }

            using (graph.Scope("dwconv.dwconv"))
            {
                h = graph.Gelu(graph.Conv(dwconv.Conv, h));
            }

            using var scope = graph.Scope("fc2");
            return graph.Conv(fc2, h, w2, b2);
        }
    }
}
