using SvqVideo.Plugins.Lfq;
using SvqVideo.Plugins.SimVP;
using SvqVideo.Plugins.Svq;
using SvqVideo.Plugins.Vq;
using SvqVideo.Torch;

namespace SvqVideo.Bench;

/// <summary>
/// One benchmarked model: a SimVP size (<c>small</c> or <c>mmnist</c>, both 10×1×64×64), a translator and a
/// quantizer key (<c>none</c>, <c>svq-fast</c>, <c>svq-explicit</c>, <c>vq</c>, <c>rvq</c>, <c>lfq</c>).
/// SVQ uses N = 1024 on <c>small</c> and 10000 on <c>mmnist</c>; the other quantizers their defaults.
/// </summary>
internal sealed record ModelSpec(string Size, string ModelType, string Quantizer)
{
    public const int Frames = 10;
    public const int Side = 64;

    public static readonly string[] Quantizers = ["none", "svq-fast", "svq-explicit", "vq", "rvq", "lfq"];

    public static readonly string[] Translators = ["gSTA", "IncepU", "convmixer", "poolformer", "van", "hornet", "moga", "uniformer", "tau", "convnext", "mlp"];

    public string Label => $"{Size} {ModelType} {Quantizer}";

    public int HidS => Size == "mmnist" ? 64 : 16;

    public int SvqCodes => Size == "mmnist" ? 10000 : 1024;

    public ModelConfig Config()
    {
        var factory = new SimVPModelFactory();
        var c = factory.DefaultConfig(Frames, Frames, 1, Side, Side).With("model_type", ModelType).With("hid_S", HidS).With("N_S", 4);
        return Size switch
        {
            "small" => c.With("hid_T", 128).With("N_T", 4),
            "mmnist" => c.With("hid_T", 512).With("N_T", 8),
            _ => throw new ArgumentException($"unknown model size '{Size}' (small, mmnist)"),
        };
    }

    public IForecastModel Build()
    {
        var quantizer = CreateQuantizer();
        return new SimVPModelFactory().Create(Config(), quantizer);
    }

    private IQuantizer? CreateQuantizer() => Quantizer switch
    {
        "none" => null,
        "svq-fast" => new SvqQuantizerFactory().Create(new SvqQuantizerFactory().DefaultOptions(HidS) with { CodebookSize = SvqCodes }),
        "svq-explicit" => new SvqQuantizerFactory().Create((new SvqQuantizerFactory().DefaultOptions(HidS) with { CodebookSize = SvqCodes }).With("fast_path", false)),
        "vq" => new VqQuantizerFactory().Create(new VqQuantizerFactory().DefaultOptions(HidS)),
        "rvq" => new ResidualVqQuantizerFactory().Create(new ResidualVqQuantizerFactory().DefaultOptions(HidS)),
        "lfq" => new LfqQuantizerFactory().Create(new LfqQuantizerFactory().DefaultOptions(HidS)),
        _ => throw new ArgumentException($"unknown quantizer '{Quantizer}' ({string.Join(", ", Quantizers)})"),
    };
}
