using SvqVideo.Plugins.Svq;
using SvqVideo.Testing;
using SvqVideo.Torch;

namespace SvqVideo.Plugins.SimVP.Tests;

/// <summary>Turns a fixture's reference constructor arguments into SvqVideo's model and quantizer (through <see cref="ReferenceConfigs"/>).</summary>
internal static class FixtureModels
{
    public static ModelConfig ModelConfig(GoldenFixture fx) => ReferenceConfigs.SimVP(fx);

    /// <summary>The quantizer a simvpvq fixture names (only <c>svq</c> has fixtures).</summary>
    public static IQuantizer Quantizer(GoldenFixture fx)
    {
        string type = fx.Config.GetProperty("vq_type").GetString() ?? "";
        if (type != "svq")
        {
            throw new InvalidDataException($"{fx.Name}: vq_type '{type}' has no test mapping");
        }

        return new SvqQuantizerFactory().Create(ReferenceConfigs.SvqOptions(fx) ?? throw new InvalidDataException($"{fx.Name}: vq_type svq without vq_kwargs"));
    }
}
