using SvqVideo.Testing;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Onnx.Tests;

/// <summary>
/// A trained checkpoint (weights, BatchNorm statistics and EMA codebooks moved by training, saved and loaded as an
/// SvqVideo checkpoint) forecasts the same through the <c>simvp</c> predictor (TorchSharp) and, exported, through
/// the <c>onnx</c> predictor — for every quantizer the catalog offers, with gSTA and with IncepU, and with residual
/// forecasting.
/// </summary>
public sealed class TrainedCheckpointTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-onnx-trained-");

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string, bool> Cases()
    {
        var rows = new TheoryData<string, string, bool>();
        foreach (var kind in Plugins.QuantizerKinds())
        {
            rows.Add("gSTA", kind, false);
        }

        rows.Add("IncepU", "svq", false);
        rows.Add("gSTA", "svq", true);
        rows.Add("IncepU", "none", true);
        return rows;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TrainedCheckpointForecastsTheSameOnOnnxRuntime(string translator, string quantizer, bool residual)
    {
        string checkpoint = _dir.Combine("trained.safetensors");
        using (var model = SmallModels.Create(quantizer, translator, residual))
        {
            SmallModels.Train(model, steps: 6);
            Checkpoint.SaveModel(checkpoint, model);
        }

        using var torchPredictor = Plugins.Catalog.CreatePredictor("simvp", new PredictorCreateOptions { CheckpointPath = checkpoint, Device = "cpu" });
        var loaded = torchPredictor.GetService<IForecastModel>()!;

        // Hosts find the export capability on the predictor itself (GetService), as docs/deployment.md says.
        Assert.Same(loaded, torchPredictor.GetService(typeof(SvqVideo.Torch.Onnx.IOnnxExportable)));
        string onnxPath = _dir.Combine("trained.onnx");
        OnnxExporter.Export(loaded, onnxPath, new OnnxExportOptions { ChannelOrder = "gray" });
        using var onnx = Exported.OpenFile(onnxPath);
        using var scope = NewDisposeScope();
        var contexts = Exported.Clips(SmallModels.MovingSquares(3, SmallModels.Frames, 1, SmallModels.Size, 77));
        var options = new ForecastOptions { Frames = 2 * SmallModels.Frames + 1 };

        double margin = DecisionMargins.Smallest(loaded, Exported.Stack(contexts));
        Assert.True(margin >= DecisionMargins.Noise, $"precondition: a quantizer decision lies {margin:g3} from a tie on this input; parity is undefined there (change the seed)");

        var expected = Exported.Stack(torchPredictor.PredictBatch(contexts, options));
        var actual = Exported.Stack(onnx.PredictBatch(contexts, options));

        TensorAssert.Close(expected, actual, 1e-4, 0, $"trained {translator} + {quantizer}{(residual ? " (residual)" : "")}: onnx vs simvp predictor");
        Assert.Equal(residual, onnx.GetService<ExportedModelMetadata>()!.Residual);
    }
}
