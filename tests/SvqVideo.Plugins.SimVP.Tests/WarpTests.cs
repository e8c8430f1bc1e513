using SvqVideo.Testing;
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
        decoded[0, 1] = full(h, w, 1f / FlowWarp.PixelsPerUnit);   // x: +1 pixel
        decoded[0, 2] = full(h, w, -2f / FlowWarp.PixelsPerUnit);  // y: −2 pixels
        decoded[0, 0] = full(h, w, 0.5f);                           // the change, added after warping

        var warped = FlowWarp.Apply(decoded, image);

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
        decoded[0, 1] = full(1, 4, 0.5f / FlowWarp.PixelsPerUnit);
        var warped = FlowWarp.Apply(decoded, image);
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
}
