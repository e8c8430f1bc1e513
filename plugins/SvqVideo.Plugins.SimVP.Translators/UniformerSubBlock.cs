using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// The <c>uniformer</c> translator block (OpenSTL's <c>UniformerSubBlock</c> factory): 'Conv' builds
/// <see cref="UniformerConvBlock"/>, 'MHSA' builds <see cref="UniformerAttentionBlock"/> with 8 heads.
/// MetaBlock picks 'MHSA' iff in == out channels and the layer index is above 0.
/// </summary>
internal static class UniformerSubBlock
{
    public const string Conv = "Conv";
    public const string Mhsa = "MHSA";

    /// <summary>The block type MetaBlock picks for a layer.</summary>
    public static string BlockTypeFor(int inChannels, int outChannels, int layerIndex) =>
        inChannels == outChannels && layerIndex > 0 ? Mhsa : Conv;

    /// <exception cref="ArgumentException"><paramref name="blockType"/> is neither 'Conv' nor 'MHSA', or MHSA's C is not divisible by 8.</exception>
    public static nn.Module<Tensor, Tensor> Create(int embedDims, double mlpRatio, double drop, double dropPath, double initValue, string blockType) => blockType switch
    {
        Conv => new UniformerConvBlock(embedDims, mlpRatio, drop, dropPath),
        Mhsa => new UniformerAttentionBlock(embedDims, heads: 8, mlpRatio, drop, dropPath, initValue),
        _ => throw new ArgumentException($"uniformer block_type must be '{Conv}' or '{Mhsa}', got '{blockType}'", nameof(blockType)),
    };
}
