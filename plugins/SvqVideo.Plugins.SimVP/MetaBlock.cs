using SvqVideo.Plugins.SimVP.Translators;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// One layer of the MetaFormer translator (OpenSTL <c>MetaBlock</c>): the model_type's <c>block</c> at
/// C_in channels, then a 1×1 <c>reduction</c> to C_out only when C_in ≠ C_out (no key otherwise).
/// </summary>
internal sealed class MetaBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> block;
    private readonly Conv2d? reduction;

    public MetaBlock(string modelType, int inChannels, int outChannels, double mlpRatio, double drop, double dropPath, (int Height, int Width) inputResolution, int layerIndex)
        : base(nameof(MetaBlock))
    {
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
}
