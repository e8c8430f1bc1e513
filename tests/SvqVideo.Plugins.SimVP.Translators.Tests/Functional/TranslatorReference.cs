using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>
/// The float64 reference of OpenSTL's MetaBlock and MidMetaNet (tests/fixtures/README.md, "The other translators"):
/// which block each model_type builds, with the arguments MetaBlock passes, and the stack of N_T blocks with their
/// 1×1 reductions.
/// </summary>
internal static class TranslatorReference
{
    /// <summary>
    /// Block j of MidMetaNet at c_in channels for <paramref name="modelType"/>; UniFormer is 'MHSA' exactly when
    /// c_in = c_out and j &gt; 0, else 'Conv'.
    /// </summary>
    public static Tensor Block(string modelType, Tensor x, Weights w, long outChannels, int layerIndex) => modelType switch
    {
        "gsta" => GatedAttentionReference.GaSubBlock(x, w),
        "van" => GatedAttentionReference.VanSubBlock(x, w),
        "tau" => GatedAttentionReference.TauSubBlock(x, w),
        "convmixer" => ConvBlockReference.ConvMixer(x, w),
        "poolformer" => ConvBlockReference.PoolFormer(x, w),
        "moga" => ConvBlockReference.Moga(x, w),
        "uniformer" when x.shape[1] == outChannels && layerIndex > 0 => NormBlockReference.UniformerAttention(x, w),
        "uniformer" => ConvBlockReference.UniformerConv(x, w),
        "convnext" => NormBlockReference.ConvNeXt(x, w),
        "hornet" => NormBlockReference.HorNet(x, w),
        "mlp" => NormBlockReference.MlpMixer(x, w),
        _ => throw new ArgumentException($"no reference for model_type '{modelType}'", nameof(modelType)),
    };

    /// <summary>
    /// MidMetaNet: block j works at c_in = <paramref name="channelIn"/> for j = 0, else <paramref name="channelHid"/>, and
    /// is followed by a 1×1 <c>reduction</c> to c_out (hid_T, or channelIn for the last block) only when c_in ≠ c_out.
    /// </summary>
    public static Tensor MidMetaNet(string modelType, Tensor x, Weights w, int depth, long channelIn, long channelHid)
    {
        var z = x;
        for (int j = 0; j < depth; j++)
        {
            long cIn = j == 0 ? channelIn : channelHid;
            long cOut = j == depth - 1 ? channelIn : channelHid;
            var layer = w.Under($"enc.{j}.");
            Assert.Equal(cIn, z.shape[1]);
            z = Block(modelType, z, layer.Under("block."), cOut, j);
            Assert.Equal(cIn != cOut, layer.Has("reduction.weight"));
            if (cIn != cOut)
            {
                z = Ops.Conv(z, layer, "reduction");
            }
        }

        return z;
    }
}
