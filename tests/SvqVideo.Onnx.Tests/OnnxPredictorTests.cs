using SvqVideo.Testing;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Onnx.Tests;

/// <summary>
/// The onnx predictor behaves as the TorchSharp predictor of the same checkpoint: batches of contexts of different
/// lengths, truncated and rolled-out horizons (the rollout runs in the predictor, outside the graph), streaming
/// sessions, clipping; and it describes itself from the file's metadata.
/// </summary>
public sealed class OnnxPredictorTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-onnx-predictor-");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(10)]
    public void BatchesAndRolloutsMatchTheTorchSharpPredictor(int horizon)
    {
        var model = SmallModels.Create("svq");
        SmallModels.Train(model, steps: 4);
        using var onnx = Exported.Open(model, _dir.Combine("model.onnx"));
        using var torchPredictor = new TorchFramePredictor(model, CPU, "test");
        using var scope = NewDisposeScope();
        var contexts = new[] { 4, 6, 5 }.Select((t, i) => Exported.Clips(SmallModels.MovingSquares(1, t, 1, SmallModels.Size, 40 + i))[0]).ToList();
        var options = new ForecastOptions { Frames = horizon };

        var expected = torchPredictor.PredictBatch(contexts, options);
        var actual = onnx.PredictBatch(contexts, options);

        Assert.Equal(contexts.Count, actual.Count);
        for (int i = 0; i < contexts.Count; i++)
        {
            Assert.Equal((horizon, 1, SmallModels.Size, SmallModels.Size), (actual[i].Frames, actual[i].Channels, actual[i].Height, actual[i].Width));
            Assert.All(actual[i].Data.ToArray(), v => Assert.InRange(v, 0f, 1f));
            TensorAssert.Close(Exported.Stack([expected[i]]), Exported.Stack([actual[i]]), 1e-4, 0, $"clip {i}, {horizon} frames");
        }

        // One clip alone gives what it gives inside a batch (the batch axis is dynamic and independent).
        TensorAssert.Close(Exported.Stack([actual[1]]), Exported.Stack([onnx.Predict(contexts[1], options)]), 1e-6, 0, "single vs batched");
    }

    [Fact]
    public void StreamingSessionsForecastWhatTheTorchSharpSessionForecasts()
    {
        var model = SmallModels.Create("vq", modelType: "IncepU");
        using var onnx = Exported.Open(model, _dir.Combine("incepu.onnx"));
        using var torchPredictor = new TorchFramePredictor(model, CPU, "test");
        using var torchSession = torchPredictor.CreateSession();
        using var onnxSession = onnx.CreateSession();
        var frames = Exported.Clips(SmallModels.MovingSquares(1, 9, 1, SmallModels.Size, 5))[0];
        for (int t = 0; t < frames.Frames; t++)
        {
            torchSession.Push(frames.Frame(t));
            onnxSession.Push(frames.Frame(t));
        }

        TensorAssert.Close(Exported.Stack([torchSession.Forecast(7)]), Exported.Stack([onnxSession.Forecast(7)]), 1e-4, 0, "session forecast");
    }

    [Fact]
    public void ClippingIsThePredictorsAndTheGraphOutputIsUnclipped()
    {
        using var model = SmallModels.Create(null, residual: true);
        using var onnx = Exported.Open(model, _dir.Combine("residual.onnx"));
        using var scope = NewDisposeScope();

        // Bright context frames: the residual model adds its (untrained, small) change to them, overshooting 1.
        var context = SmallModels.MovingSquares(2, SmallModels.Frames, 1, SmallModels.Size, 9) * 1.2;
        var raw = Exported.Forecast(onnx, context, 6);
        var clipped = Exported.Stack(onnx.PredictBatch(Exported.Clips(context), new ForecastOptions { Frames = 6 }));

        Assert.True(raw.max().item<float>() > 1f, "the graph's own output should exceed 1 here");
        TensorAssert.Close(raw.clamp(0, 1), clipped, 0, 0, "clipped = clamp(unclipped)");
        TensorAssert.Close(Exported.TorchForecast(model, context, 6), raw, 1e-4, 0, "unclipped vs TorchSharp");
    }

    [Fact]
    public void AWarpModelsGraphComputesWhatTheModelDoes()
    {
        // Trained a little so the flow is not zero: GridSample must sample where grid_sample does, edges included.
        using var model = SmallModels.Create("svq", residual: true, warp: true, channels: 3);
        SmallModels.Train(model, 25);
        using var onnx = Exported.Open(model, _dir.Combine("warp.onnx"));
        using var scope = NewDisposeScope();
        var context = SmallModels.MovingSquares(3, SmallModels.Frames, 3, SmallModels.Size, 21);
        var flow = model.Module.named_parameters().Single(p => p.name == "dec.readout.weight").parameter.narrow(0, 3, 2);
        Assert.True(flow.abs().max().item<float>() > 1e-3, "training left the flow read-out at zero");
        TensorAssert.Close(Exported.TorchForecast(model, context, 7), Exported.Forecast(onnx, context, 7), 1e-4, 0, "warp model: ONNX Runtime vs TorchSharp");
    }

    [Fact]
    public void AFlowPriorModelsGraphEstimatesTheMotionAsTheModelDoes()
    {
        // Moving squares give the estimate motion to find; a little training makes the decoder's own flow non-zero too.
        using var model = SmallModels.Create("svq", residual: true, warp: true, channels: 3, flowPrior: true);
        SmallModels.Train(model, 10);
        using var onnx = Exported.Open(model, _dir.Combine("prior.onnx"));
        using var scope = NewDisposeScope();
        var context = SmallModels.MovingSquares(3, SmallModels.Frames, 3, SmallModels.Size, 21);
        var motion = MotionEstimation.Estimate(context.select(1, SmallModels.Frames - 2), context.select(1, SmallModels.Frames - 1));
        Assert.True(motion.abs().max().item<float>() > 0.5, "the moving squares should give the estimate motion to find");
        TensorAssert.Close(Exported.TorchForecast(model, context, 7), Exported.Forecast(onnx, context, 7), 1e-4, 0, "flow-prior model: ONNX Runtime vs TorchSharp");
    }

    [Fact]
    public void MetadataAndServicesDescribeTheExportedModel()
    {
        using var model = SmallModels.Create("fsq", modelType: "moga", channels: 3);
        string path = _dir.Combine("moga.onnx");
        using var onnx = Exported.Open(model, path, new OnnxExportOptions { SourceSha256 = "abc123", ChannelOrder = "BGR" });

        var m = onnx.Metadata;
        Assert.Equal(("onnx", SdkVersion.Major), (m.Name, m.SdkMajor));
        Assert.Equal((SmallModels.Frames, SmallModels.Frames, 3, SmallModels.Size, SmallModels.Size), (m.FramesIn, m.FramesOut, m.Channels, m.Height, m.Width));
        Assert.Contains("moga", m.Description, StringComparison.Ordinal);
        Assert.Contains("fsq", m.Description, StringComparison.Ordinal);

        var exported = onnx.GetService<ExportedModelMetadata>();
        Assert.NotNull(exported);
        Assert.Equal(("simvp", "moga", "fsq", "BGR", "abc123", OnnxExporter.DefaultOpset, false), (exported!.Family, exported.ModelType, exported.Quantizer, exported.ChannelOrder, exported.SourceSha256, exported.Opset, exported.Residual));
        Assert.Null(onnx.GetService(typeof(IForecastModel)));
        Assert.Same(onnx, onnx.GetService(typeof(IFramePredictor)));
    }

    [Fact]
    public void ContextsOfTheWrongShapeAreRefusedInOneLine()
    {
        using var model = SmallModels.Create(null);
        using var onnx = Exported.Open(model, _dir.Combine("plain.onnx"));
        var shortContext = new FrameClip(new float[3 * SmallModels.Size * SmallModels.Size], 3, 1, SmallModels.Size, SmallModels.Size);
        var wrongSize = new FrameClip(new float[4 * 8 * 8], 4, 1, 8, 8);

        var e1 = Assert.Throws<ArgumentException>(() => onnx.Predict(shortContext));
        var e2 = Assert.Throws<ArgumentException>(() => onnx.Predict(wrongSize));
        var e3 = Assert.Throws<ArgumentException>(() => onnx.Predict(shortContext, new ForecastOptions { Frames = 0 }));

        Assert.Contains("needs at least 4", e1.Message, StringComparison.Ordinal);
        Assert.Contains("1x16x16", e2.Message, StringComparison.Ordinal);
        Assert.Contains("at least 1", e3.Message, StringComparison.Ordinal);
        Assert.All(new[] { e1, e2, e3 }, e => Assert.DoesNotContain('\n', e.Message));
        Assert.Empty(onnx.PredictBatch([]));
    }
}
