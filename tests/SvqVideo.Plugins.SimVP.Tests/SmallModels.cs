using SvqVideo.Plugins.Svq;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Tests;

/// <summary>Small SimVP configurations that build and run in milliseconds.</summary>
internal static class SmallModels
{
    public const int Frames = 4;
    public const int Channels = 1;
    public const int Size = 16;
    public const int HidS = 8;

    public static ModelConfig Config(string modelType = "gSTA", double dropPath = 0.0, string placement = "pre") =>
        new SimVPModelFactory().DefaultConfig(Frames, Frames, Channels, Size, Size)
            .With("hid_S", HidS).With("hid_T", 16).With("N_S", 2).With("N_T", 3)
            .With("model_type", modelType).With("mlp_ratio", 2.0).With("drop_path", dropPath)
            .With("quantizer_placement", placement);

    public static IQuantizer Svq(bool frozen = false) => new SvqQuantizerFactory().Create(new QuantizerOptions
    {
        Kind = "svq",
        Dimension = HidS,
        CodebookSize = 64,
        Frozen = frozen,
        Init = "kaiming",
    }.With("middim", 32));

    public static IForecastModel Create(string modelType = "gSTA", bool withSvq = false, double dropPath = 0.0, string placement = "pre") =>
        new SimVPModelFactory().Create(Config(modelType, dropPath, placement), withSvq ? Svq() : null);

    /// <summary>Seeded frames in [0, 1) on <paramref name="device"/>.</summary>
    public static Tensor Frames01(Device device, int batch = 2, int seed = 7)
    {
        using var g = new Generator((ulong)seed);
        return rand([batch, Frames, Channels, Size, Size], generator: g).to(device);
    }
}
