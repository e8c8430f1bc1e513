using System.Text.Json.Nodes;
using SvqVideo.Testing;
using SvqVideo.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Tests;

/// <summary>SvqVideo checkpoints of SimVP: save, reload through the SDK's loader and the predictor factory, and the one-line errors.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-simvp-ckpt-");

    public void Dispose() => _dir.Dispose();

    /// <summary>A trained-looking model: one training pass moves the BatchNorm running statistics off their defaults.</summary>
    private static IForecastModel TrainedLooking(bool withSvq, string modelType = "gSTA", string placement = "pre")
    {
        var model = SmallModels.Create(modelType, withSvq, placement: placement);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.Forward(SmallModels.Frames01(CPU, seed: 3));
        return model;
    }

    public static TheoryData<string, bool, string, string> RoundTripCases()
    {
        var rows = new TheoryData<string, bool, string, string>();
        foreach (var device in TestDevices.Names)
        {
            rows.Add("gSTA", true, "pre", device);
            rows.Add("gSTA", true, "post", device);
            rows.Add("IncepU", false, "pre", device);
        }

        return rows;
    }

    [SkippableTheory]
    [MemberData(nameof(RoundTripCases))]
    public void SavedCheckpointReloadsThroughThePredictorFactoryWithIdenticalOutputs(string modelType, bool withSvq, string placement, string deviceName)
    {
        var device = TestDevices.Require(deviceName);
        using var original = TrainedLooking(withSvq, modelType, placement);
        original.Module.to(device).eval();
        string path = _dir.Combine("model.safetensors");
        Checkpoint.SaveModel(path, original, new JsonObject { ["epoch"] = 3 });

        var manifest = Checkpoint.ReadManifest(path);
        Assert.Equal(original.Config, manifest.Model);
        Assert.Equal(original.Quantizer?.Options, manifest.Quantizer);
        Assert.Equal(3, (int)manifest.Training!["epoch"]!);
        Assert.Equal("gray", manifest.ChannelOrder);

        using var predictor = new SimVPPredictorFactory().Create(new PredictorCreateOptions { CheckpointPath = path, Device = deviceName, Services = new PluginRegistry() });
        var loaded = Assert.IsAssignableFrom<IForecastModel>(predictor.GetService(typeof(IForecastModel)));
        Assert.Equal(original.Config, loaded.Config);
        Assert.Equal("simvp", predictor.Metadata.Name);
        Assert.Equal((SmallModels.Frames, SmallModels.Frames), (predictor.Metadata.FramesIn, predictor.Metadata.FramesOut));

        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var x = SmallModels.Frames01(device);
        var expected = original.Forward(x);
        var actual = loaded.Forward(x);
        TensorAssert.Close(expected.Prediction, actual.Prediction, 0, 0, "prediction after reload");
        if (withSvq)
        {
            TensorAssert.Close(expected.Quantizer!.Quantized, actual.Quantizer!.Quantized, 0, 0, "quantized latents after reload");
        }

        int horizon = SmallModels.Frames + 2;
        var clipData = x[0].cpu().contiguous().data<float>().ToArray();
        var forecast = predictor.Predict(new FrameClip(clipData, SmallModels.Frames, SmallModels.Channels, SmallModels.Size, SmallModels.Size), new ForecastOptions { Frames = horizon });
        var viaTensor = original.Forecast(x.narrow(0, 0, 1), horizon).clamp(0, 1).cpu().contiguous().data<float>().ToArray();
        Assert.Equal(horizon, forecast.Frames);
        Assert.Equal(viaTensor, forecast.Data.ToArray());
    }

    [Fact]
    public void TrainingStateUnderOptimAndTrainPrefixesIsIgnoredOnLoad()
    {
        using var original = TrainedLooking(withSvq: false);
        string path = _dir.Combine("with-optim.safetensors");
        var tensors = original.Module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        using var moment = ones(3);
        using var step = tensor(7L);
        tensors["optim.state.0.exp_avg"] = moment;
        tensors["train.step"] = step;
        Checkpoint.Save(path, new CheckpointManifest { Model = original.Config }, tensors);

        using var loaded = Checkpoint.LoadModel(path, new PluginRegistry());
        Assert.Equal(original.Module.state_dict().Count, loaded.Module.state_dict().Count);
        Assert.True(loaded.Module.training, "a loaded model is in the mode its factory leaves it");
    }

    [Fact]
    public void AHostOfferingNoQuantizersGetsAnErrorNamingTheQuantizer()
    {
        string path = SaveSmall(withSvq: true);
        var e = Assert.Throws<KeyNotFoundException>(() => new SimVPPredictorFactory().Create(new PredictorCreateOptions { CheckpointPath = path, Device = "cpu" }));
        Assert.Contains("quantizer 'svq'", e.Message, StringComparison.Ordinal);
        Assert.Contains("no plugin the host offers provides it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingQuantizerPluginIsNamedInTheError()
    {
        string path = SaveSmall(withSvq: true);
        var e = Assert.Throws<KeyNotFoundException>(() => new SimVPPredictorFactory().Create(new PredictorCreateOptions { CheckpointPath = path, Device = "cpu", Services = new PluginRegistry(withSvq: false) }));
        Assert.Contains("no plugin the host offers provides it", e.Message, StringComparison.Ordinal);
        Assert.Contains("'svq'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckpointOfAnotherFamilyIsRejectedByTheSimVPPredictor()
    {
        using var model = SmallModels.Create();
        string path = _dir.Combine("other.safetensors");
        Checkpoint.Save(path, new CheckpointManifest { Model = model.Config with { Family = "convlstm" } }, model.Module.state_dict());
        var e = Assert.Throws<ArgumentException>(() => new SimVPPredictorFactory().Create(new PredictorCreateOptions { CheckpointPath = path, Device = "cpu", Services = new PluginRegistry() }));
        Assert.Contains("'convlstm' model, not simvp", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AModelFamilyTheResolverLacksIsNamedByTheLoader()
    {
        using var model = SmallModels.Create();
        string path = _dir.Combine("other.safetensors");
        Checkpoint.Save(path, new CheckpointManifest { Model = model.Config with { Family = "convlstm" } }, model.Module.state_dict());
        var e = Assert.Throws<KeyNotFoundException>(() => Checkpoint.LoadModel(path, new PluginRegistry()));
        Assert.Contains("'convlstm' model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheManifestOfAModelRecordsItsConfigQuantizerAndChannelOrder()
    {
        using var gray = SmallModels.Create(withSvq: true);
        var manifest = CheckpointManifest.For(gray, new JsonObject { ["step"] = 5 });
        Assert.Equal(gray.Config, manifest.Model);
        Assert.Equal(gray.Quantizer!.Options, manifest.Quantizer);
        Assert.Equal("gray", manifest.ChannelOrder);
        Assert.Equal(5, (int)manifest.Training!["step"]!);
        using var colour = new SimVPModelFactory().Create(SmallModels.Config() with { Channels = 3 }, null);
        Assert.Equal("RGB", CheckpointManifest.For(colour).ChannelOrder);
        Assert.Null(CheckpointManifest.For(colour).Quantizer);
    }

    [Fact]
    public void TensorsOfAnotherShapeAreRejectedNamingTheFirstMismatchingKey()
    {
        using var small = SmallModels.Create();
        using var wider = new SimVPModelFactory().Create(SmallModels.Config().With("hid_T", 24), null);
        string path = _dir.Combine("mismatch.safetensors");
        Checkpoint.Save(path, new CheckpointManifest { Model = small.Config }, wider.Module.state_dict());
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(path, new PluginRegistry()));
        Assert.Contains("shape mismatch for 'hid.", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void MissingTensorIsNamed()
    {
        using var model = SmallModels.Create();
        string path = _dir.Combine("missing.safetensors");
        var tensors = model.Module.state_dict().Where(kv => kv.Key != "dec.readout.bias");
        Checkpoint.Save(path, new CheckpointManifest { Model = model.Config }, tensors);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(path, new PluginRegistry()));
        Assert.Contains("missing key 'dec.readout.bias'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFileAndMissingPathGiveClearErrors()
    {
        var factory = new SimVPPredictorFactory();
        var missing = _dir.Combine("nope.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => factory.Create(new PredictorCreateOptions { CheckpointPath = missing, Device = "cpu" }));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => factory.Create(new PredictorCreateOptions { Device = "cpu" }));
    }

    private string SaveSmall(bool withSvq)
    {
        using var model = SmallModels.Create(withSvq: withSvq);
        string path = _dir.Combine($"small-{withSvq}.safetensors");
        Checkpoint.SaveModel(path, model);
        return path;
    }
}
