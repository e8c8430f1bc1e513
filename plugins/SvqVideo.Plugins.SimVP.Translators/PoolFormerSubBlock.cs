using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// The <c>poolformer</c> translator block (OpenSTL <c>PoolFormerSubBlock</c>, PoolFormer's block with pool 3):
/// <c>u = GN1(x); x = x + DropPath(ls1 · (AvgPool3×3(u) − u))</c>, then
/// <c>x = x + DropPath(ls2 · Mlp(GN2(x)))</c>. GN is GroupNorm with one group; the pooling has stride 1,
/// padding 1 and does not count padded zeros. Layer scales start at 1e-5; MLP convs at truncated N(0, 0.02²).
/// </summary>
internal sealed class PoolFormerSubBlock : nn.Module<Tensor, Tensor>
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
}
