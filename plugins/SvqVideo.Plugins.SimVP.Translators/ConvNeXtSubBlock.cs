using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// The <c>convnext</c> translator block (OpenSTL <c>ConvNeXtSubBlock</c> over timm's <c>ConvNeXtBlock</c>
/// with conv_mlp): <c>x + DropPath(gamma ⊙ fc2(GELU(fc1(LN2d(conv_dw x)))))</c>; conv_dw is depthwise 7×7
/// (padding 3), LN2d normalises over the channels (eps 1e-6), fc1/fc2 are 1×1 convs (keys <c>mlp.fc1/fc2</c>).
/// <c>gamma</c> starts at 1e-6.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class ConvNeXtSubBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv2d conv_dw;
    private readonly ChannelLayerNorm norm;
    private readonly ConvMlp mlp;
    private readonly Parameter gamma;
    private readonly DropPath drop_path;

    /// <param name="dim">Channels C.</param>
    /// <param name="mlpRatio">MLP hidden width int(C · mlpRatio).</param>
    /// <param name="dropPath">Stochastic depth of the residual branch.</param>
    /// <param name="lsInitValue">Initial layer-scale value (OpenSTL passes 1e-6).</param>
    public ConvNeXtSubBlock(int dim, double mlpRatio = 4.0, double dropPath = 0.1, double lsInitValue = 1e-6)
        : base(nameof(ConvNeXtSubBlock))
    {
        BlockArguments.RequirePositive(dim, "dim");
        BlockArguments.RequireMlpRatio(mlpRatio);
        conv_dw = nn.Conv2d(dim, dim, 7, padding: 3, groups: dim);
        norm = new ChannelLayerNorm(dim, 1e-6);
        mlp = new ConvMlp(dim, BlockArguments.HiddenWidth(dim, mlpRatio), 0.0);
        gamma = ReferenceInit.Filled([dim], lsInitValue);
        drop_path = new DropPath(dropPath);
        RegisterComponents();
        ReferenceInit.ConvFanOut(this);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var branch = mlp.forward(norm.forward(conv_dw.forward(input)));
        return scope.MoveToOuter(input + drop_path.forward(gamma.view(1, -1, 1, 1) * branch));
    }

    /// <summary>ONNX form: depthwise conv, channel LayerNorm with its affine folded into <c>mlp.fc1</c>, <c>gamma</c> into <c>mlp.fc2</c>.</summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        string y;
        using (graph.Scope("conv_dw"))
        {
            y = graph.Conv(conv_dw, input);
        }

        using (graph.Scope("norm"))
        {
            y = norm.ExportNormalized(graph, y);
        }

        using var scope = graph.Scope("mlp");
        return graph.Op("Add", [input, mlp.ExportScaled(graph, y, norm.Weight, norm.Bias, gamma)]);
    }
}
