using SvqVideo.Testing;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Tests;

/// <summary><see cref="ILatentEncoder"/>: the latents handed out are exactly what the quantizer receives inside a forward pass.</summary>
public sealed class LatentEncoderTests
{
    [Theory]
    [InlineData("pre")]
    [InlineData("post")]
    public void EncodedLatentsAreTheQuantizerInput(string placement)
    {
        using var model = SmallModels.Create(withSvq: true, placement: placement);
        model.Module.eval();
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var x = SmallModels.Frames01(CPU);
        var encoder = Assert.IsAssignableFrom<ILatentEncoder>(model);
        var latents = encoder.EncodeLatents(x);
        Assert.Equal([2 * SmallModels.Frames, SmallModels.HidS, SmallModels.Size / 2, SmallModels.Size / 2], latents.shape);
        var expected = model.Forward(x).Quantizer!.Quantized;
        TensorAssert.Close(expected, model.Quantizer!.Quantize(latents).Quantized, 0, 0, $"{placement} quantizer input");
    }
}
