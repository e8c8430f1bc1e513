using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// The <c>hornet</c> translator block (OpenSTL <c>HorNetSubBlock</c> over HorNet's <c>HorBlock</c>, order 4):
/// <c>x = x + DropPath(gamma1 · gnconv(norm1 x))</c> with norm1 a channels-first LayerNorm (eps 1e-6);
/// then, channels-last, <c>x = x + DropPath(gamma2 · pwconv2(GELU(pwconv1(norm2 x))))</c> with norm2 a
/// LayerNorm over C (eps 1e-6) and pwconv1/2 Linear layers. C must be divisible by 8.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class HorNetSubBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly ChannelLayerNorm norm1;
    private readonly RecursiveGatedConv gnconv;
    private readonly LayerNorm norm2;
    private readonly Linear pwconv1;
    private readonly Linear pwconv2;
    private readonly Parameter gamma1;
    private readonly Parameter gamma2;
    private readonly DropPath drop_path;

    public HorNetSubBlock(int dim, double mlpRatio = 4.0, double dropPath = 0.1, double initValue = 1e-6, int order = 4)
        : base(nameof(HorNetSubBlock))
    {
        BlockArguments.RequirePositive(dim, "dim");
        BlockArguments.RequireMlpRatio(mlpRatio);
        long hidden = BlockArguments.HiddenWidth(dim, mlpRatio);
        norm1 = new ChannelLayerNorm(dim, 1e-6);
        gnconv = new RecursiveGatedConv(dim, order);
        norm2 = nn.LayerNorm(dim, 1e-6);
        pwconv1 = nn.Linear(dim, hidden);
        pwconv2 = nn.Linear(hidden, dim);
        gamma1 = ReferenceInit.Filled([dim], initValue);
        gamma2 = ReferenceInit.Filled([dim], initValue);
        drop_path = new DropPath(dropPath);
        RegisterComponents();
        ReferenceInit.LinearTruncNormal(this);
        ReferenceInit.ConvFanOut(this);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input + drop_path.forward(gamma1.view(-1, 1, 1) * gnconv.forward(norm1.forward(input)));
        var t = x.permute(0, 2, 3, 1);
        t = gamma2 * pwconv2.forward(nn.functional.gelu(pwconv1.forward(norm2.forward(t))));
        return scope.MoveToOuter(x + drop_path.forward(t.permute(0, 3, 1, 2)));
    }

    /// <summary>
    /// ONNX form, channels-first throughout: both LayerNorms normalise over the channel axis with their affines folded
    /// into the next 1×1 layer (<c>gnconv.proj_in</c>, <c>pwconv1</c> written as a 1×1 conv), <c>gamma1</c> into
    /// <c>gnconv.proj_out</c> and <c>gamma2</c> into <c>pwconv2</c>.
    /// </summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        string n;
        using (graph.Scope("norm1"))
        {
            n = norm1.ExportNormalized(graph, input);
        }

        string x;
        using (graph.Scope("gnconv"))
        {
            x = graph.Op("Add", [input, gnconv.ExportScaled(graph, n, norm1.Weight, norm1.Bias, gamma1)]);
        }

        using (graph.Scope("norm2"))
        {
            n = ChannelLayerNorm.ExportNormalized(graph, x, norm2.eps);
        }

        var (w1, b1) = OnnxFolding.FoldInputAffine(pwconv1.weight!, pwconv1.bias, norm2.weight, norm2.bias);
        var (w2, b2) = OnnxFolding.ScaleOutput(pwconv2.weight!, pwconv2.bias, gamma2);
        using (w1)
        using (b1)
        using (w2)
        using (b2)
        {
            string h;
            using (graph.Scope("pwconv1"))
            {
                h = graph.Gelu(graph.PointwiseLinear(pwconv1, n, w1, b1));
            }

            using var scope = graph.Scope("pwconv2");
            return graph.Op("Add", [x, graph.PointwiseLinear(pwconv2, h, w2, b2)]);
        }
    }
}
