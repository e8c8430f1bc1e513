using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.TestPlugins.Scale;

/// <summary>Test quantizer "scale": multiplies the latents by a factor fixed at compile time (v1: 2, v2: 3).</summary>
internal sealed class ScaleQuantizerFactory : IQuantizerFactory
{
#if SCALE_V2
    public const double Factor = 3.0;
#else
    public const double Factor = 2.0;
#endif

    public string Name => "scale";

    public string Description => $"test quantizer multiplying by {Factor}";

    public QuantizerOptions DefaultOptions(int dimension) => new() { Kind = Name, Dimension = dimension };

    public IQuantizer Create(QuantizerOptions options) => new ScaleQuantizer(options);

    private sealed class ScaleQuantizer : QuantizerModule
    {
        public ScaleQuantizer(QuantizerOptions options)
            : base("ScaleQuantizer", options)
        {
            RegisterComponents();
        }

        public override QuantizerOutput forward(Tensor input) =>
            new(input * Factor, zeros([], device: input.device));
    }
}
