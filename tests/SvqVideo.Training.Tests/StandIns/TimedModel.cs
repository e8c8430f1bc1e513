using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Training.Tests.StandIns;

/// <summary>Another model whose every forward pass takes <paramref name="perPass"/> on <paramref name="clock"/>.</summary>
internal sealed class TimedModel(IForecastModel inner, ManualClock clock, TimeSpan perPass) : IForecastModel
{
    public ModelConfig Config => inner.Config;

    public IQuantizer? Quantizer => inner.Quantizer;

    public nn.Module Module => inner.Module;

    public int FramesPerPass => inner.FramesPerPass;

    public ForecastModelOutput Forward(Tensor frames)
    {
        clock.Advance(perPass);
        return inner.Forward(frames);
    }

    public Tensor Forecast(Tensor frames, int horizon) => inner.Forecast(frames, horizon);

    public void Dispose() => inner.Dispose();
}
