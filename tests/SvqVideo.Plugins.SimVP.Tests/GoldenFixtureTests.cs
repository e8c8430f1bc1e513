using SvqVideo.Testing;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Tests;

/// <summary>
/// Every SimVP golden fixture (encoder, decoder, whole model with any translator, SimVP+SVQ), the shared ones and
/// those in tests/fixtures/generated, is rebuilt from its config, loaded strictly and compared at its own tolerance,
/// on every device. Inputs are read by name in the model's dtype and rearranged from the fixture's declared layout;
/// every listed output must be produced and is compared in the declared layout.
/// </summary>
public sealed class GoldenFixtureTests(ITestOutputHelper output)
{
    /// <summary>The axis order of clips, the model's input and output.</summary>
    private const string Clips = "B,T,C,H,W";

    /// <summary>The axis order of frames (B·T of them), the encoder's and decoder's tensors and SimVP+SVQ's latents.</summary>
    private const string Frames = "N,C,H,W";

    public static TheoryData<string, string> Rows(string kind) => Fixtures.OnDevices(k => k == kind);

    [Theory]
    [InlineData("simvp_encoder")]
    [InlineData("simvp_decoder")]
    [InlineData("simvp")]
    [InlineData("simvpvq")]
    public void TheFixtureFolderHoldsFixturesOfEachKind(string kind)
    {
        Assert.NotEmpty(Fixtures.Find(k => k == kind));
    }

    [SkippableTheory]
    [MemberData(nameof(Rows), "simvp_encoder")]
    public void EncoderReproducesTheReferenceLatentAndSkip(string file, string deviceName)
    {
        var device = TestDevices.Require(deviceName);
        using var fx = Fixtures.Load(file);
        var c = fx.Config;
        using var encoder = new Encoder(c.GetProperty("C_in").GetInt32(), c.GetProperty("C_hid").GetInt32(), c.GetProperty("N_S").GetInt32(), c.GetProperty("spatio_kernel").GetInt32());
        fx.LoadInto(encoder);
        encoder.to(device).eval();

        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var (latent, enc1) = encoder.forward(Input(fx, "input", Frames, device));
        Compare(fx, new Dictionary<string, Tensor> { ["output"] = latent, ["enc1"] = enc1 }, Frames, deviceName);
    }

    [SkippableTheory]
    [MemberData(nameof(Rows), "simvp_decoder")]
    public void DecoderReproducesTheReferenceFrames(string file, string deviceName)
    {
        var device = TestDevices.Require(deviceName);
        using var fx = Fixtures.Load(file);
        var c = fx.Config;
        using var decoder = new Decoder(c.GetProperty("C_hid").GetInt32(), c.GetProperty("C_out").GetInt32(), c.GetProperty("N_S").GetInt32(), c.GetProperty("spatio_kernel").GetInt32());
        fx.LoadInto(decoder);
        decoder.to(device).eval();

        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var y = decoder.forward(Input(fx, "input", Frames, device), Input(fx, "enc1", Frames, device));
        Compare(fx, new Dictionary<string, Tensor> { ["output"] = y }, Frames, deviceName);
    }

    [SkippableTheory]
    [MemberData(nameof(Rows), "simvp")]
    public void SimVPReproducesTheReferenceForecast(string file, string deviceName)
    {
        var device = TestDevices.Require(deviceName);
        using var fx = Fixtures.Load(file);
        using var model = new SimVPModelFactory().Create(FixtureModels.ModelConfig(fx), null);
        fx.LoadInto(model.Module);
        model.Module.to(device).eval();

        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var result = model.Forward(Input(fx, Assert.Single(fx.Inputs), Clips, device));
        Assert.Equal(0.0, result.AuxLoss.item<float>());
        Compare(fx, new Dictionary<string, Tensor> { ["output"] = result.Prediction }, Clips, deviceName);
    }

    [SkippableTheory]
    [MemberData(nameof(Rows), "simvpvq")]
    public void SimVPWithSvqReproducesTheReferenceForecastAndLatents(string file, string deviceName)
    {
        var device = TestDevices.Require(deviceName);
        using var fx = Fixtures.Load(file);
        using var model = new SimVPModelFactory().Create(FixtureModels.ModelConfig(fx), FixtureModels.Quantizer(fx));
        fx.LoadInto(model.Module);
        model.Module.to(device).eval();

        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var input = Input(fx, Assert.Single(fx.Inputs), Clips, device);
        var result = model.Forward(input);
        Assert.NotNull(result.Quantizer);
        var simvp = Assert.IsType<SimVPModel>(model);
        var actual = new Dictionary<string, Tensor> { ["output"] = result.Prediction, ["quantize"] = result.Quantizer.Quantized };
        if (simvp.Settings.Placement == QuantizerPlacement.Pre)
        {
            actual["continuous"] = simvp.Encode(input).Latent;
        }

        Compare(fx, actual, name => name == "output" ? Clips : Frames, deviceName);
    }

    private static Tensor Input(GoldenFixture fx, string name, string axes, Device device) =>
        FixtureLayout.ToNative(fx, name, axes).to(get_default_dtype(), device);

    private void Compare(GoldenFixture fx, Dictionary<string, Tensor> actual, string axes, string deviceName) => Compare(fx, actual, _ => axes, deviceName);

    private void Compare(GoldenFixture fx, Dictionary<string, Tensor> actual, Func<string, string> axesOf, string deviceName) =>
        fx.AssertOutputs(actual, $"on {deviceName}", output, axesOf);
}
