using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// The <c>poolformer</c> translator block (OpenSTL <c>PoolFormerSubBlock</c>, PoolFormer's block with pool 3):
/// <c>u = GN1(x); x = x + DropPath(ls1 · (AvgPool3×3(u) − u))</c>, then
/// <c>x = x + DropPath(ls2 · Mlp(GN2(x)))</c>. GN is GroupNorm with one group; the pooling has stride 1,
/// padding 1 and does not count padded zeros. Layer scales start at 1e-5; MLP convs at truncated N(0, 0.02²).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class PoolFormerSubBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly GroupNorm norm1;
    private readonly GroupNorm norm2;
    private readonly ConvMlp mlp;
    private readonly DropPath drop_path;
    private readonly Parameter layer_scale_1;
    private readonly Parameter layer_scale_2;

    public PoolFormerSubBlock(int dim, double mlpRatio = 4.0, double drop = 0.0, double dropPath = 0.1, double initValue = 1e-5)
        : base(nameof(PoolFormerSubBlock))
    {
        BlockArguments.RequirePositive(dim, "dim");
        BlockArguments.RequireMlpRatio(mlpRatio);
        BlockArguments.RequireRate(drop, "drop");
        norm1 = nn.GroupNorm(1, dim);
        norm2 = nn.GroupNorm(1, dim);
        mlp = new ConvMlp(dim, BlockArguments.HiddenWidth(dim, mlpRatio), drop);
        drop_path = new DropPath(dropPath);
        layer_scale_1 = ReferenceInit.Filled([dim], initValue);
        layer_scale_2 = ReferenceInit.Filled([dim], initValue);
        RegisterComponents();
        ReferenceInit.GroupNormDefaults(this);
        ReferenceInit.ConvTruncNormal(mlp);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var u = norm1.forward(input);
        var pooled = nn.functional.avg_pool2d(u, 3, stride: 1, padding: 1, count_include_pad: false);
        var x = input + drop_path.forward(layer_scale_1.view(1, -1, 1, 1) * (pooled - u));
        x = x + drop_path.forward(layer_scale_2.view(1, -1, 1, 1) * mlp.forward(norm2.forward(x)));
        return scope.MoveToOuter(x);
    }

    /// <summary>
    /// ONNX form: GroupNorm(1) as a normalisation plus affine; the pooling as <c>AveragePool</c> (3×3, stride 1,
    /// padding 1, padded zeros not counted); <c>norm2</c>'s affine folded into <c>mlp.fc1</c> and
    /// <c>layer_scale_2</c> into <c>mlp.fc2</c>.
    /// </summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        string u;
        using (graph.Scope("norm1"))
        {
            u = graph.GroupNorm(norm1, input);
        }

        string pooled = graph.Op("AveragePool", [u], ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 1, 1 }), ("pads", new long[] { 1, 1, 1, 1 }), ("count_include_pad", 0L));
        string x;
        using (var ls1 = layer_scale_1.detach().cpu())
        {
            x = graph.Op("Add", [input, graph.ChannelAffine(graph.Op("Sub", [pooled, u]), ls1, null)]);
        }

        string n;
        using (graph.Scope("norm2"))
        {
            n = graph.GroupNorm(norm2, x, withAffine: false);
        }

        using var scope = graph.Scope("mlp");
        return graph.Op("Add", [x, mlp.ExportScaled(graph, n, norm2.weight, norm2.bias, layer_scale_2)]);
    }
}
