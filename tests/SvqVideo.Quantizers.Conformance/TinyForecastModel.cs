using SvqVideo.Torch;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Quantizers.Conformance;

/// <summary>
/// A minimal model around a quantizer for the "works inside a model" check: a strided conv encoder to
/// the quantizer's dimension, the quantizer, and a transposed conv back to the image channels.
/// Returns (reconstruction, aux loss).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
public sealed class TinyForecastModel : nn.Module<Tensor, (Tensor Output, Tensor AuxLoss)>
{
    private readonly IQuantizer _quantizer;

    // Field names are the state-dict keys.
    private readonly Conv2d enc;
    private readonly nn.Module vq;
    private readonly ConvTranspose2d dec;

    /// <summary>Builds the model around <paramref name="quantizer"/> (which it registers as the child <c>vq</c> and disposes with itself).</summary>
    public TinyForecastModel(IQuantizer quantizer, int imageChannels)
        : base(nameof(TinyForecastModel))
    {
        ArgumentNullException.ThrowIfNull(quantizer);
        _quantizer = quantizer;
        int d = quantizer.Options.Dimension;
        enc = nn.Conv2d(imageChannels, d, 3, stride: 2, padding: 1);
        vq = quantizer.Module;
        dec = nn.ConvTranspose2d(d, imageChannels, 4, stride: 2, padding: 1);
        RegisterComponents();
    }

    /// <summary>The encoder convolution (its gradient shows that training reaches through the quantizer).</summary>
    public Conv2d Encoder => enc;

    /// <inheritdoc />
    public override (Tensor Output, Tensor AuxLoss) forward(Tensor frames)
    {
        using var scope = NewDisposeScope();
        using var q = _quantizer.Quantize(enc.forward(frames));
        var output = dec.forward(q.Quantized);
        var aux = q.AuxLoss.alias();
        return (output.MoveToOuterDisposeScope(), aux.MoveToOuterDisposeScope());
    }
}
