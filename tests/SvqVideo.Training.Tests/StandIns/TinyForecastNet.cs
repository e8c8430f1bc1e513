using SvqVideo.Torch;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Training.Tests.StandIns;

/// <summary>
/// A tiny convolutional forecaster over the stacked time axis: (B, T, C, H, W) → conv → GELU →
/// (optional quantizer) → dropout → conv → (B, T, C, H, W). The dropout draws from torch's global
/// generator, so seeded-reproducibility tests cover the trainer's RNG handling.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class TinyForecastNet : nn.Module<Tensor, ForecastModelOutput>
{
    private readonly Conv2d enc;
    private readonly Conv2d dec;
    private readonly Dropout drop;
    private readonly nn.Module? quantizer;
    private readonly int _frames;
    private readonly int _channels;

    public TinyForecastNet(int frames, int channels, int hidden, double dropout, IQuantizer? quantizerModule)
        : base(nameof(TinyForecastNet))
    {
        _frames = frames;
        _channels = channels;
        enc = nn.Conv2d(frames * channels, hidden, 3, padding: 1);
        dec = nn.Conv2d(hidden, frames * channels, 3, padding: 1);
        drop = nn.Dropout(dropout);
        quantizer = quantizerModule?.Module;
        RegisterComponents();
    }

    public override ForecastModelOutput forward(Tensor frames)
    {
        using var scope = NewDisposeScope();
        long b = frames.shape[0];
        long h = frames.shape[3];
        long w = frames.shape[4];
        var x = nn.functional.gelu(enc.forward(frames.reshape(b, _frames * _channels, h, w)));
        QuantizerOutput? q = null;
        var aux = zeros([], device: frames.device);
        if (quantizer is IQuantizer quantize)
        {
            q = quantize.Quantize(x);
            x = q.Quantized;
            aux = q.AuxLoss;
        }

        var y = dec.forward(drop.forward(x)).reshape(b, _frames, _channels, h, w);
        scope.MoveToOuter(y, aux);
        if (q is not null)
        {
            scope.MoveToOuter(q.Metrics.Values);
        }

        return new ForecastModelOutput(y, aux, q);
    }
}
