using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Training.Tests.StandIns;

/// <summary>An <see cref="IForecastModel"/> stand-in around <see cref="TinyForecastNet"/> (one pass forecasts FramesIn frames).</summary>
internal sealed class TinyForecastModel : IForecastModel
{
    private readonly TinyForecastNet _net;

    public TinyForecastModel(ModelConfig config, IQuantizer? quantizer = null)
    {
        Config = config;
        Quantizer = quantizer;
        _net = new TinyForecastNet(config.FramesIn, config.Channels, config.GetInt("hidden", 8), config.GetDouble("dropout", 0.1), quantizer);
    }

    public static ModelConfig DefaultConfig(int framesIn = 4, int framesOut = 4, int size = 16) => new ModelConfig
    {
        Family = "tiny",
        FramesIn = framesIn,
        FramesOut = framesOut,
        Channels = 1,
        Height = size,
        Width = size,
    }.With("hidden", 8).With("dropout", 0.1);

    public ModelConfig Config { get; }

    public IQuantizer? Quantizer { get; }

    public nn.Module Module => _net;

    public int FramesPerPass => Config.FramesIn;

    public ForecastModelOutput Forward(Tensor frames) => _net.forward(frames);

    public Tensor Forecast(Tensor frames, int horizon)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(ForecastRollout.Run(this, frames, horizon).Prediction);
    }

    public void Dispose() => _net.Dispose();
}
