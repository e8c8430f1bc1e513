using SvqVideo.Testing;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Tests;

/// <summary>The <c>warp</c> option: each forecast frame is the last context frame moved along a predicted flow, plus a change.</summary>
public sealed class WarpTests
{
    [Fact]
    public void WarpIsOffByDefaultAndLeftOutOfTheDefaultConfig()
    {
        var config = new SimVPModelFactory().DefaultConfig(4, 4, 1, 16, 16);
        Assert.False(config.Parameters.ContainsKey("warp"));
        Assert.False(SimVPSettings.From(config).Warp);
    }

    [Fact]
    public void WarpWithoutResidualIsRefusedWithOneLine()
    {
        var e = Assert.Throws<ArgumentException>(() => SimVPSettings.From(SmallModels.Config().With("warp", true)));
        Assert.Contains("warp needs residual", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void TheDecoderReadsOutTwoFlowChannelsPerFrame()
    {
        using var model = new SimVPModelFactory().Create(SmallModels.Config().With("residual", true).With("warp", true), null);
        var readout = model.Module.named_parameters().Single(p => p.name == "dec.readout.weight").parameter;
        Assert.Equal(SmallModels.Channels + 2, readout.shape[0]);
    }

    [Theory]
    [InlineData("gSTA", false, 4)]
    [InlineData("IncepU", true, 11)]
    public void AnUntrainedWarpModelForecastsTheLastContextFrame(string modelType, bool withSvq, int horizon)
    {
        using var model = new SimVPModelFactory().Create(SmallModels.Config(modelType).With("residual", true).With("warp", true), withSvq ? SmallModels.Svq() : null);
        model.Module.eval();
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var frames = SmallModels.Frames01(CPU, batch: 3);
        var last = frames.narrow(1, SmallModels.Frames - 1, 1).expand(3, horizon, SmallModels.Channels, SmallModels.Size, SmallModels.Size);
        var forecast = model.Forecast(frames, horizon);
        Assert.Equal(horizon, forecast.shape[1]);

        // Zero flow samples every pixel at its own centre; only the grid's float rounding can move it, by far less than a pixel.
        TensorAssert.Close(last, forecast, 1e-5, 0, "the untrained warp forecast is the last frame");
    }

    [Fact]
    public void AFlowOfOnePixelSamplesTheNeighbourAndEdgesRepeat()
    {
        using var scope = NewDisposeScope();
        const int h = 5, w = 7;
        var image = arange(h * w, dtype: float32).reshape(1, 1, h, w);
        var decoded = zeros(1, 3, h, w);
        decoded[0, 1] = full(h, w, 1f / FlowWarp.DefaultPixelsPerUnit);   // x: +1 pixel
        decoded[0, 2] = full(h, w, -2f / FlowWarp.DefaultPixelsPerUnit);  // y: −2 pixels
        decoded[0, 0] = full(h, w, 0.5f);                           // the change, added after warping

        var warped = FlowWarp.Apply(decoded, image, FlowWarp.DefaultPixelsPerUnit);

        // Pixel (y, x) reads (y − 2, x + 1), clamped to the frame: the content moves left by 1 and down by 2.
        var expected = new float[h * w];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                expected[(y * w) + x] = (Math.Max(0, y - 2) * w) + Math.Min(w - 1, x + 1) + 0.5f;
            }
        }

        TensorAssert.Close(tensor(expected).reshape(1, 1, h, w), warped, 1e-4, 0, "shifted image");
    }

    [Fact]
    public void AHalfPixelFlowInterpolatesBilinearly()
    {
        using var scope = NewDisposeScope();
        var image = tensor(new float[] { 0, 10, 20, 30 }).reshape(1, 1, 1, 4);
        var decoded = zeros(1, 3, 1, 4);
        decoded[0, 1] = full(1, 4, 0.5f / FlowWarp.DefaultPixelsPerUnit);
        var warped = FlowWarp.Apply(decoded, image, FlowWarp.DefaultPixelsPerUnit);
        TensorAssert.Close(tensor(new float[] { 5, 15, 25, 30 }).reshape(1, 1, 1, 4), warped, 1e-4, 0, "half-pixel shift with the edge repeated");
    }

    [Fact]
    public void TheFlowReadoutLearnsFromItsZeroStart()
    {
        using var model = new SimVPModelFactory().Create(SmallModels.Config().With("residual", true).With("warp", true), null);
        var frames = SmallModels.Frames01(CPU);
        var target = SmallModels.Frames01(CPU, seed: 9);
        var loss = nn.functional.mse_loss(model.Forward(frames).Prediction, target);
        loss.backward();
        var grad = model.Module.named_parameters().Single(p => p.name == "dec.readout.weight").parameter.grad!;
        Assert.True(grad.narrow(0, SmallModels.Channels, 2).abs().sum().item<float>() > 0, "the flow rows of the zero-initialised readout receive no gradient");
    }

    [Fact]
    public void AWarpModelHandsOverItsFlowAndTheFrameEachPassMoved()
    {
        using var model = new SimVPModelFactory().Create(SmallModels.Config().With("residual", true).With("warp", true), null);
        model.Module.eval();
        using var scope = NewDisposeScope();
        // The readout starts at zero, so its bias alone sets the output: a flow of +1 pixel in x and −2 in y everywhere.
        var bias = model.Module.named_parameters().Single(p => p.name == "dec.readout.bias").parameter;
        using (no_grad())
        {
            bias[SmallModels.Channels] = tensor(1f / FlowWarp.DefaultPixelsPerUnit);
            bias[SmallModels.Channels + 1] = tensor(-2f / FlowWarp.DefaultPixelsPerUnit);
        }

        using var mode = inference_mode();
        var frames = SmallModels.Frames01(CPU, batch: 2);
        const int horizon = 2 * SmallModels.Frames + 2;

        var (prediction, flow, sources) = ((IMotionForecastModel)model).ForecastWithFlow(frames, horizon);

        TensorAssert.Close(model.Forecast(frames, horizon), prediction, 0, 0, "the same forecast as Forecast");
        Assert.NotNull(flow);
        Assert.Equal(new long[] { 2, horizon, 2, SmallModels.Size, SmallModels.Size }, flow.shape);
        TensorAssert.Close(full([2, horizon, 1, SmallModels.Size, SmallModels.Size], 1f), flow.narrow(2, 0, 1), 1e-6, 0, "x flow");
        TensorAssert.Close(full([2, horizon, 1, SmallModels.Size, SmallModels.Size], -2f), flow.narrow(2, 1, 1), 1e-6, 0, "y flow");
        // Pass 1 moves the last context frame; pass 2 the last frame of pass 1, pass 3 the last frame of pass 2.
        int f = SmallModels.Frames;
        Assert.Equal([.. Enumerable.Repeat(-1, f), .. Enumerable.Repeat(f - 1, f), .. Enumerable.Repeat((2 * f) - 1, 2)], sources);
    }

    [Fact]
    public void AModelThatDoesNotWarpHandsOverNoFlow()
    {
        using var model = new SimVPModelFactory().Create(SmallModels.Config().With("residual", true), null);
        model.Module.eval();
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var frames = SmallModels.Frames01(CPU);
        Assert.Null(model.Forward(frames).Flow);
        var (prediction, flow, sources) = ((IMotionForecastModel)model).ForecastWithFlow(frames, 3);
        Assert.Null(flow);
        Assert.Equal(3, prediction.shape[1]);
        Assert.Equal(3, sources.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ThePredictorGivesTheSameFramesWithOrWithoutMotion(bool warp)
    {
        var config = SmallModels.Config().With("residual", true).With("warp", warp);
        var model = new SimVPModelFactory().Create(config, null);
        if (warp)
        {
            var bias = model.Module.named_parameters().Single(p => p.name == "dec.readout.bias").parameter;
            using (no_grad())
            {
                bias[SmallModels.Channels] = tensor(0.3f);
            }
        }

        using var predictor = new TorchFramePredictor(model, CPU, "test");
        using var frames = SmallModels.Frames01(CPU, batch: 1);
        var context = new FrameClip(frames.contiguous().data<float>().ToArray(), SmallModels.Frames, SmallModels.Channels, SmallModels.Size, SmallModels.Size);
        var options = new ForecastOptions { Frames = 6 };

        var motion = predictor.PredictWithMotion(context, options);
        var plain = predictor.Predict(context, options);

        Assert.Equal(plain.Data.ToArray(), motion.Frames.Data.ToArray());
        Assert.Equal(warp, motion.HasMotion);
        Assert.Same(predictor, predictor.GetService<IMotionFramePredictor>());
        if (warp)
        {
            Assert.Equal(6 * 2 * SmallModels.Size * SmallModels.Size, motion.Flow.Length);
            Assert.Equal(1.2f, motion.Flow.Span[0], 5);
            Assert.Equal([-1, -1, -1, -1, 3, 3], motion.Sources);
        }
    }

    [Fact]
    public void TheWarpScaleSetsThePixelsPerFlowUnit()
    {
        using var model = new SimVPModelFactory().Create(SmallModels.Config().With("residual", true).With("warp", true).With("warp_scale", 16.0), null);
        model.Module.eval();
        using var scope = NewDisposeScope();
        var bias = model.Module.named_parameters().Single(p => p.name == "dec.readout.bias").parameter;
        using (no_grad())
        {
            bias[SmallModels.Channels] = tensor(0.25f); // 0.25 units of 16 pixels: 4 pixels
        }

        using var mode = inference_mode();
        var flow = model.Forward(SmallModels.Frames01(CPU)).Flow!;
        TensorAssert.Close(full([2, SmallModels.Frames, 1, SmallModels.Size, SmallModels.Size], 4f), flow.narrow(2, 0, 1), 1e-6, 0, "x flow in pixels");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-2.0)]
    public void AWarpScaleThatIsNotPositiveIsRefused(double scale)
    {
        var e = Assert.Throws<ArgumentException>(() => SimVPSettings.From(SmallModels.Config().With("residual", true).With("warp", true).With("warp_scale", scale)));
        Assert.Contains("warp_scale must be positive", e.Message, StringComparison.Ordinal);
    }
    [Fact]
    public void AnUntrainedFlowPriorModelCarriesTheLastFramesMotionOnAtConstantVelocity()
    {
        using var model = new SimVPModelFactory().Create(SmallModels.Config().With("residual", true).With("warp", true).With("flow_prior", true), null);
        model.Module.eval();
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var frames = SmallModels.Frames01(CPU, batch: 2);
        int f = SmallModels.Frames;
        var last = frames.select(1, f - 1);
        var motion = MotionEstimation.Estimate(frames.select(1, f - 2), last);
        Assert.True(motion.abs().max().item<float>() > 0.1, "the test frames should show some motion");

        var output = model.Forward(frames);

        // The readout starts at zero, so step k is the last frame moved along k times its own motion, and that is the flow handed over.
        for (int k = 1; k <= f; k++)
        {
            TensorAssert.Close(FlowSampling.Warp(last, motion * k), output.Prediction.select(1, k - 1), 1e-5, 0, $"step {k}");
            TensorAssert.Close(motion * k, output.Flow!.select(1, k - 1), 1e-5, 0, $"flow of step {k}");
        }
    }

    [Fact]
    public void FlowPriorIsOffByDefaultAndNeedsWarpAndTwoContextFrames()
    {
        Assert.False(SimVPSettings.From(SmallModels.Config()).FlowPrior);
        Assert.False(new SimVPModelFactory().DefaultConfig(4, 4, 1, 16, 16).Parameters.ContainsKey("flow_prior"));
        var e = Assert.Throws<ArgumentException>(() => SimVPSettings.From(SmallModels.Config().With("residual", true).With("flow_prior", true)));
        Assert.Contains("flow_prior needs warp", e.Message, StringComparison.Ordinal);
        var one = new SimVPModelFactory().DefaultConfig(1, 1, 1, 16, 16).With("N_S", 2).With("residual", true).With("warp", true).With("flow_prior", true);
        e = Assert.Throws<ArgumentException>(() => SimVPSettings.From(one));
        Assert.Contains("at least two context frames", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheFlowPriorTrainsTheReadoutAndPassesNoGradientThroughTheEstimate()
    {
        using var model = new SimVPModelFactory().Create(SmallModels.Config().With("residual", true).With("warp", true).With("flow_prior", true), null);
        var frames = SmallModels.Frames01(CPU).requires_grad_();
        var target = SmallModels.Frames01(CPU, seed: 9);
        var loss = nn.functional.mse_loss(model.Forward(frames).Prediction, target);
        loss.backward();
        var grad = model.Module.named_parameters().Single(p => p.name == "dec.readout.weight").parameter.grad!;
        Assert.True(grad.narrow(0, SmallModels.Channels, 2).abs().sum().item<float>() > 0, "the flow rows receive no gradient");
        Assert.True(float.IsFinite(frames.grad!.abs().sum().item<float>()), "the gradient to the frames is not finite");
    }
}
