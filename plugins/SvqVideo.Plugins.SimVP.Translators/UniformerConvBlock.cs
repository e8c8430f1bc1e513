using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// UniFormer's convolutional block (<c>CBlock</c>, the <c>uniformer</c> translator's 'Conv' type):
/// <c>x = x + pos_embed(x)</c> (depthwise 3×3), <c>x = x + DropPath(conv2(attn(conv1(BN1 x))))</c> (1×1,
/// depthwise 5×5, 1×1), <c>x = x + DropPath(CMlp(BN2 x))</c>. No layer scales.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class UniformerConvBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv2d pos_embed;
    private readonly BatchNorm2d norm1;
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Conv2d attn;
    private readonly DropPath drop_path;
    private readonly BatchNorm2d norm2;
    private readonly ConvMlp mlp;

    public UniformerConvBlock(int dim, double mlpRatio = 4.0, double drop = 0.0, double dropPath = 0.0)
        : base("CBlock")
    {
        BlockArguments.RequirePositive(dim, "dim");
        BlockArguments.RequireMlpRatio(mlpRatio);
        BlockArguments.RequireRate(drop, "drop");
        pos_embed = nn.Conv2d(dim, dim, 3, padding: 1, groups: dim);
        norm1 = nn.BatchNorm2d(dim);
        conv1 = nn.Conv2d(dim, dim, 1);
        conv2 = nn.Conv2d(dim, dim, 1);
        attn = nn.Conv2d(dim, dim, 5, padding: 2, groups: dim);
        drop_path = new DropPath(dropPath);
        norm2 = nn.BatchNorm2d(dim);
        mlp = new ConvMlp(dim, BlockArguments.HiddenWidth(dim, mlpRatio), drop);
        RegisterComponents();
        ReferenceInit.ConvFanOut(this);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input + pos_embed.forward(input);
        x = x + drop_path.forward(conv2.forward(attn.forward(conv1.forward(norm1.forward(x)))));
        x = x + drop_path.forward(mlp.forward(norm2.forward(x)));
        return scope.MoveToOuter(x);
    }

    /// <summary>ONNX form: both BatchNorms folded into the 1×1 convs that read them (<c>conv1</c>, <c>mlp.fc1</c>).</summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        string x;
        using (graph.Scope("pos_embed"))
        {
            x = graph.Op("Add", [input, graph.Conv(pos_embed, input)]);
        }

        var (s1, t1) = OnnxFolding.BatchNormAffine(norm1);
        var (s2, t2) = OnnxFolding.BatchNormAffine(norm2);
        var (w1, b1) = OnnxFolding.FoldInputAffine(conv1.weight!, conv1.bias, s1, t1);
        using (s1)
        using (t1)
        using (s2)
        using (t2)
        using (w1)
        using (b1)
        {
            string a;
            using (graph.Scope("conv1"))
            {
                a = graph.Conv(conv1, x, w1, b1);
            }

            using (graph.Scope("attn"))
            {
                a = graph.Conv(attn, a);
            }

            using (graph.Scope("conv2"))
            {
                x = graph.Op("Add", [x, graph.Conv(conv2, a)]);
            }

            using var scope = graph.Scope("mlp");
            return graph.Op("Add", [x, mlp.ExportScaled(graph, x, s2, t2, null)]);
        }
    }
}
