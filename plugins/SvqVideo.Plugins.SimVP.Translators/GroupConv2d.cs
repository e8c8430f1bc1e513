using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// One inception branch (OpenSTL <c>GroupConv2d</c> with act_norm): grouped k×k conv (padding k//2, bias)
/// → GroupNorm(groups, C_out) → LeakyReLU(0.2). Keys <c>conv.*</c>, <c>norm.*</c>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class GroupConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly GroupNorm norm;

    public GroupConv2d(long inChannels, long outChannels, int kernelSize, long groups)
        : base(nameof(GroupConv2d))
    {
        conv = nn.Conv2d(inChannels, outChannels, kernelSize, padding: kernelSize / 2, groups: groups);
        norm = nn.GroupNorm(groups, outChannels);
        RegisterComponents();
        ReferenceInit.GroupNormDefaults(this);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(nn.functional.leaky_relu(norm.forward(conv.forward(input)), 0.2));
    }

    /// <summary>ONNX form: grouped <c>Conv</c>, GroupNorm, <c>LeakyRelu</c> (alpha 0.2).</summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        string y;
        using (graph.Scope("conv"))
        {
            y = graph.Conv(conv, input);
        }

        using var scope = graph.Scope("norm");
        return graph.Op("LeakyRelu", [graph.GroupNorm(norm, y)], ("alpha", 0.2));
    }
}
