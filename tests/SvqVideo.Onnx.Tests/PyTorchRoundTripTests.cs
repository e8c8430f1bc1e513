using SvqVideo.Interop;
using SvqVideo.Testing;
using SvqVideo.Torch;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace SvqVideo.Onnx.Tests;

/// <summary>
/// From PyTorch to ONNX Runtime: the reference weights of every simvp/simvpvq golden fixture (made with OpenSTL and
/// SVQ-Forecasting) written in PyTorch's torch.save format (by PyBridge's writer, as the import tests do: no PyTorch
/// here) → <see cref="PyTorchCheckpointImporter"/> → an SvqVideo checkpoint → export → the onnx predictor, which
/// forecasts what the simvp (TorchSharp) predictor of that checkpoint forecasts and, for one pass, what PyTorch itself
/// computed.
/// </summary>
public sealed class PyTorchRoundTripTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-onnx-pytorch-");

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> ReferenceFixtures() => Fixtures.Names(k => k is "simvp" or "simvpvq");

    [Theory]
    [MemberData(nameof(ReferenceFixtures))]
    public void PyTorchWeightsImportedThenExportedForecastTheSameOnOnnxRuntime(string file)
    {
        using var fx = Fixtures.Load(file);
        string kind = ReferenceModels.FixtureQuantizer(fx) ?? "none";
        string pth = _dir.Combine(fx.Name + ".pth");
        using (var reference = ReferenceModels.Build(fx, ReferenceModels.FixtureQuantizer(fx)))
        {
            reference.Module.save_py(pth);
        }

        string checkpoint = _dir.Combine(fx.Name + ".safetensors");
        using (var imported = ReferenceModels.Create(fx, ReferenceModels.FixtureQuantizer(fx)))
        {
            PyTorchCheckpointImporter.Import(pth, imported);
            Checkpoint.SaveModel(checkpoint, imported);
        }

        using var torchPredictor = Plugins.Catalog.CreatePredictor("simvp", new PredictorCreateOptions { CheckpointPath = checkpoint, Device = "cpu" });
        string onnxPath = _dir.Combine(fx.Name + ".onnx");
        OnnxExporter.Export(torchPredictor.GetService<IForecastModel>()!, onnxPath);
        using var onnx = Exported.OpenFile(onnxPath);
        using var scope = NewDisposeScope();
        var input = fx["input"];
        var contexts = Exported.Clips(input);
        var options = new ForecastOptions { Frames = (2 * torchPredictor.Metadata.FramesIn) + 1 };

        TensorAssert.Close(Exported.Stack(torchPredictor.PredictBatch(contexts, options)), Exported.Stack(onnx.PredictBatch(contexts, options)), 1e-4, 0, $"{fx.Name} ({kind}): onnx vs simvp predictor after import");
        TensorAssert.Close(fx["output"], Exported.Forecast(onnx, input, torchPredictor.Metadata.FramesIn), fx.Atol, fx.Rtol, $"{fx.Name}: onnx vs PyTorch's output");
    }
}
