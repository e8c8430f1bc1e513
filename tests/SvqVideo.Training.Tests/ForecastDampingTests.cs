using SvqVideo.Datasets;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Training.Tests;

public class ForecastDampingTests
{
    /// <summary>Clips whose every pixel drifts linearly (value = base + frame · drift), so the context's last step gives the true future.</summary>
    private sealed class DriftClips(int count, int channels, Func<int, int, double>? drift = null) : IClipDataset
    {
        public string Name => "drift";

        public int Count => count;

        public int FramesIn => 3;

        public int FramesOut => 4;

        public int Channels => channels;

        public int Height => 4;

        public int Width => 5;

        public void CopyClip(int index, Span<float> destination)
        {
            int plane = Height * Width;
            for (int f = 0; f < FramesIn + FramesOut; f++)
            {
                for (int c = 0; c < channels; c++)
                {
                    for (int p = 0; p < plane; p++)
                    {
                        double d = drift?.Invoke(c, p) ?? (0.01 * (((index * 7) + p) % 5 - 2));
                        destination[(((f * channels) + c) * plane) + p] = (float)(0.5 + (0.1 * c) + (f * d * (1 + (index % 3))));
                    }
                }
            }
        }
    }

    /// <summary>
    /// Forecasts last + k_t · (true change of step t) + colour_t, the true change read off the context's linear drift;
    /// <c>colour</c> adds, per pixel, a colour error orthogonal to luma of the same length as the true change.
    /// </summary>
    private sealed class ScaledChangeModel(ModelConfig config, double[] k, bool colour = false) : IForecastModel
    {
        private readonly nn.Module _module = nn.Linear(1, 1);

        public ModelConfig Config => config;

        public IQuantizer? Quantizer => null;

        public nn.Module Module => _module;

        public int FramesPerPass => config.FramesIn;

        public ForecastModelOutput Forward(Tensor frames) => new(Forecast(frames, FramesPerPass), zeros(1));

        public Tensor Forecast(Tensor frames, int horizon)
        {
            using var scope = NewDisposeScope();
            long n = frames.shape[1];
            var last = frames.narrow(1, n - 1, 1);
            var drift = last - frames.narrow(1, n - 2, 1);
            var steps = Enumerable.Range(0, horizon).Select(t =>
            {
                var change = drift * (t + 1);
                var step = last + (change * k[t]);
                if (colour)
                {
                    // Per pixel, the true change's length along (0.587, −0.299, 0)/|·|, a direction with zero luma.
                    double norm = Math.Sqrt((0.587 * 0.587) + (0.299 * 0.299));
                    var length = change.square().sum(2, keepdim: true).sqrt();
                    var direction = tensor(new[] { (float)(0.587 / norm), (float)(-0.299 / norm), 0f }).view(1, 1, 3, 1, 1);
                    step = step + (length * direction);
                }

                return step;
            }).ToArray();
            return scope.MoveToOuter(cat(steps, 1));
        }

        public void Dispose() => _module.Dispose();
    }

    private static ModelConfig ConfigOf(IClipDataset data) => new()
    {
        Family = "stand-in",
        FramesIn = data.FramesIn,
        FramesOut = data.FramesOut,
        Channels = data.Channels,
        Height = data.Height,
        Width = data.Width,
    };

    [Fact]
    public void EachStepsScaleIsTheLeastSquaresFitOfThePredictedToTheTrueChangeClampedToZeroOne()
    {
        var data = new DriftClips(11, channels: 1);
        // Twice the true change -> 1/2; four times -> 1/4; half -> 2, clamped to 1; the opposite direction -> 0.
        using var model = new ScaledChangeModel(ConfigOf(data), [2, 4, 0.5, -1]);
        var damping = ForecastDamping.Fit(model, data, chromaWeight: 1, new EvaluationOptions { BatchSize = 4 });
        Assert.Equal(4, damping.Scales.Count);
        Assert.Equal(0.5, damping.Scales[0], 5);
        Assert.Equal(0.25, damping.Scales[1], 5);
        Assert.Equal(1.0, damping.Scales[2], 5);
        Assert.Equal(0.0, damping.Scales[3], 5);
    }

    [Fact]
    public void AStepWithNoPredictedChangeKeepsScaleOne()
    {
        var data = new DriftClips(5, channels: 1);
        using var model = new ScaledChangeModel(ConfigOf(data), [0, 0, 1, 3]);
        var damping = ForecastDamping.Fit(model, data, chromaWeight: 1);
        Assert.Equal([1.0, 1.0], damping.Scales.Take(2));
        Assert.Equal(1.0, damping.Scales[2], 5);
        Assert.Equal(1.0 / 3, damping.Scales[3], 5);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.25)]
    [InlineData(0.0)]
    public void TheFitWeighsColourErrorsByTheChromaWeight(double chromaWeight)
    {
        // True changes lie along the luma direction; the model adds a colour error of the same length with zero luma.
        // ⟨p, Δ⟩ = |Δ|² and ⟨p, p⟩ = |Δ|² + λ|e|² = (1 + λ)|Δ|², so every scale is 1 / (1 + λ).
        double[] luma = [0.299, 0.587, 0.114];
        var data = new DriftClips(6, channels: 3, drift: (c, p) => 0.02 * luma[c] * (1 + (p % 3)));
        using var model = new ScaledChangeModel(ConfigOf(data), [1, 1, 1, 1], colour: true);
        var damping = ForecastDamping.Fit(model, data, chromaWeight);
        foreach (double s in damping.Scales)
        {
            Assert.Equal(1 / (1 + chromaWeight), s, 4);
        }
    }

    [Fact]
    public void ApplyMovesEachStepTowardsTheLastFrameByItsScaleAndReusesTheLastScalePastTheFittedSteps()
    {
        var damping = new ForecastDamping([0.5, 0.0, 1.0]);
        var context = tensor(new float[] { 0.1f, 0.2f, 0.3f, 0.4f }).view(1, 2, 1, 1, 2);
        var forecast = tensor(new float[] { 0.5f, 0.0f, 0.9f, 0.9f, 0.7f, 0.2f, 1.0f, 1.0f }).view(1, 4, 1, 1, 2);
        var damped = damping.Apply(context, forecast).reshape(-1).data<float>().ToArray();
        float[] expected = [0.3f + (0.5f * 0.2f), 0.4f + (0.5f * -0.4f), 0.3f, 0.4f, 0.7f, 0.2f, 1.0f, 1.0f];
        Assert.Equal(expected.Length, damped.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], damped[i], 6);
        }

        Assert.Equal(1.0, damping.ScaleAt(7));
    }

    [Theory]
    [InlineData(new double[0])]
    [InlineData(new[] { 0.5, 1.5 })]
    [InlineData(new[] { -0.1 })]
    [InlineData(new[] { double.NaN })]
    public void ScalesOutsideZeroOneAreRejected(double[] scales) =>
        Assert.Throws<ArgumentException>(() => new ForecastDamping(scales));

    [Fact]
    public void TheDampedModelDampsForecastsAndForwardPassesAndLeavesEverythingElseToTheWrappedModel()
    {
        var data = new DriftClips(4, channels: 1);
        var inner = new ScaledChangeModel(ConfigOf(data), [2, 2, 2, 2]);
        var damping = new ForecastDamping([0.5, 0.5, 0.5, 0.25]);
        using var damped = new DampedForecastModel(inner, damping);
        Assert.Same(inner.Config, damped.Config);
        Assert.Same(inner.Module, damped.Module);
        Assert.Equal(inner.FramesPerPass, damped.FramesPerPass);
        var clip = new float[7 * 4 * 5];
        data.CopyClip(1, clip);
        var frames = tensor(clip).view(1, 7, 1, 4, 5);
        var context = frames.narrow(1, 0, 3);
        var truth = frames.narrow(1, 3, 4);
        using var forecast = damped.Forecast(context, 3);
        // Twice the true change at half scale is the truth itself.
        Assert.True(allclose(forecast, truth.narrow(1, 0, 3), rtol: 0, atol: 1e-6));
        using var output = damped.Forward(context);
        Assert.True(allclose(output.Prediction, damping.Apply(context, inner.Forecast(context, 3)), rtol: 0, atol: 1e-6));
    }
}
