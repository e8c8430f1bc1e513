using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// Builds the per-layer block of OpenSTL's MidMetaNet (<c>MetaBlock.block</c>) by model_type.
/// The returned module maps (B, inChannels, H, W) to the same shape; the MetaBlock wrapper adds the
/// 1×1 <c>reduction</c> when inChannels ≠ outChannels.
/// </summary>
public static class TranslatorBlocks
{
    /// <summary>The model_type names this library can build (lower case).</summary>
    public static IReadOnlyList<string> Names { get; } = ["gsta"];

    /// <summary>
    /// Builds the block for <paramref name="modelType"/> (case-insensitive, OpenSTL names).
    /// <paramref name="layerIndex"/> is j in 0..N_T−1; <paramref name="inputResolution"/> is the latent (h, w).
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

        return modelType.Trim().ToLowerInvariant() switch
        {
            "gsta" => new GASubBlock(inChannels, kernelSize: 21, mlpRatio, drop, dropPath),
            _ => throw new ArgumentException($"unknown translator model_type '{modelType}' (known: {string.Join(", ", Names)})", nameof(modelType)),
        };
    }
}
