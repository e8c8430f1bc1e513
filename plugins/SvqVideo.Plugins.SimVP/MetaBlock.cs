using SvqVideo.Plugins.SimVP.Translators;
using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// One layer of the MetaFormer translator (OpenSTL <c>MetaBlock</c>): the model_type's <c>block</c> at
/// C_in channels, then a 1×1 <c>reduction</c> to C_out only when C_in ≠ C_out (no key otherwise).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class MetaBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> block;
    private readonly Conv2d? reduction;
    private readonly string _modelType;

    public MetaBlock(string modelType, int inChannels, int outChannels, double mlpRatio, double drop, double dropPath, (int Height, int Width) inputResolution, int layerIndex)
        : base(nameof(MetaBlock))
    {
        _modelType = modelType;
        block = TranslatorBlocks.Create(modelType, inChannels, outChannels, mlpRatio, drop, dropPath, inputResolution, layerIndex);
        if (inChannels != outChannels)
        {
            reduction = nn.Conv2d(inChannels, outChannels, 1);
        }

        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        if (reduction is null)
        {
            return block.forward(input);
        }

        using var scope = NewDisposeScope();
        return scope.MoveToOuter(reduction.forward(block.forward(input)));
    }

    /// <summary>ONNX form: the block's own subgraph (its <see cref="IOnnxExportable"/>), then the reduction.</summary>
    /// <exception cref="OnnxExportNotSupportedException">The block has no ONNX form.</exception>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        var exportable = block as IOnnxExportable
            ?? throw new OnnxExportNotSupportedException($"translator '{_modelType}' has no ONNX form (its block {block.GetName()} does not implement IOnnxExportable)");
        string y;
        using (graph.Scope("block"))
        {
            y = exportable.ExportOnnx(graph, input);
        }

        if (reduction is null)
        {
            return y;
        }

        using var scope = graph.Scope("reduction");
        return graph.Conv(reduction, y);
    }
}
