using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// Builds the per-layer block of OpenSTL's MidMetaNet (<c>MetaBlock.block</c>) by model_type.
/// The returned module maps (B, inChannels, H, W) to the same shape; the MetaBlock wrapper adds the
/// 1×1 <c>reduction</c> when inChannels ≠ outChannels. The block is built with exactly the arguments
/// MetaBlock passes (ConvMixer kernel 11, gSTA/TAU kernel 21, each class's default init value, UniFormer's
/// 'MHSA' iff in == out and layerIndex &gt; 0), so its state-dict keys and shapes are the reference's.
/// </summary>
public static class TranslatorBlocks
{
    /// <summary>The model_type names this library can build (lower case).</summary>
    public static IReadOnlyList<string> Names { get; } = ["gsta", "convmixer", "poolformer", "van", "hornet", "moga", "uniformer", "tau", "convnext", "mlp"];

    /// <summary>
    /// Builds the block for <paramref name="modelType"/> (case-insensitive, OpenSTL names; the reference's
    /// aliases <c>mlpmixer</c> and <c>moganet</c> are accepted too).
    /// <paramref name="layerIndex"/> is j in 0..N_T−1; <paramref name="inputResolution"/> is the latent (h, w),
    /// used only by <c>mlp</c>, whose block then accepts only that size. <paramref name="drop"/> is the dropout
    /// and <paramref name="dropPath"/> the stochastic depth of this block (both identity in eval); blocks the
    /// reference builds without them (ConvMixer; HorNet and ConvNeXt have no dropout) ignore them.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown model_type or invalid widths (the message says which).</exception>
    public static nn.Module<Tensor, Tensor> Create(string modelType, int inChannels, int outChannels, double mlpRatio, double drop, double dropPath, (int Height, int Width) inputResolution, int layerIndex)
    {
        ArgumentNullException.ThrowIfNull(modelType);
        BlockArguments.RequirePositive(inChannels, "inChannels");
        BlockArguments.RequirePositive(outChannels, "outChannels");
        if (layerIndex < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(layerIndex), layerIndex, "layerIndex must be 0 or more");
        }

        int c = inChannels;
        return modelType.Trim().ToLowerInvariant() switch
        {
            "gsta" => new GASubBlock(c, kernelSize: 21, mlpRatio, drop, dropPath),
            "convmixer" => new ConvMixerSubBlock(c, kernelSize: 11),
            "convnext" => new ConvNeXtSubBlock(c, mlpRatio, dropPath),
            "hornet" => new HorNetSubBlock(c, mlpRatio, dropPath),
            "mlp" or "mlpmixer" => new MlpMixerSubBlock(c, inputResolution, mlpRatio, drop, dropPath),
            "moga" or "moganet" => new MogaSubBlock(c, mlpRatio, drop, dropPath),
            "poolformer" => new PoolFormerSubBlock(c, mlpRatio, drop, dropPath),
            "uniformer" => UniformerSubBlock.Create(c, mlpRatio, drop, dropPath, initValue: 1e-6, UniformerSubBlock.BlockTypeFor(inChannels, outChannels, layerIndex)),
            "van" => VanSubBlock.Create(c, mlpRatio, drop, dropPath),
            "tau" => TauSubBlock.Create(c, kernelSize: 21, mlpRatio, drop, dropPath),
            "swin" or "vit" => throw new ArgumentException($"translator model_type '{modelType}' is not implemented: OpenSTL's {modelType} block does not build against the timm it imports, so there is no reference to match (known: {string.Join(", ", Names)})", nameof(modelType)),
            _ => throw new ArgumentException($"unknown translator model_type '{modelType}' (known: {string.Join(", ", Names)})", nameof(modelType)),
        };
    }
}
