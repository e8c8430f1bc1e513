using static TorchSharp.torch;

namespace SvqVideo.Training.Tests;

/// <summary>
/// The forecast loss's options, checked against sums written out here element by element: chroma weighting splits
/// each RGB error into its luma part and the rest, horizon weighting scales each step by the mean copy-last loss over
/// that step's own.
/// </summary>
public class ForecastLossTests
{
    private static readonly double[] Luma = [0.299, 0.587, 0.114];

    [Theory]
    [InlineData(LossKind.L2)]
    [InlineData(LossKind.L1)]
    public void WithoutOptionsItIsTheMeanOverEveryValue(LossKind kind)
    {
        using var scope = NewDisposeScope();
        var (context, prediction, target) = Batch(seed: 1);
        var e = (prediction - target).data<float>().ToArray();
        double expected = e.Average(v => kind == LossKind.L2 ? (double)v * v : Math.Abs(v));
        double loss = ForecastPass.Loss(new TrainingOptions { Loss = kind }, prediction, target, context).item<float>();
        Assert.Equal(expected, loss, 1e-6);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.25)]
    [InlineData(1.0)]
    public void ChromaWeightScalesTheColourPartOfEachPixelsError(double weight)
    {
        using var scope = NewDisposeScope();
        var (context, prediction, target) = Batch(seed: 2);
        var e = (prediction - target).data<float>().ToArray();
        long b = prediction.shape[0], t = prediction.shape[1], hw = prediction.shape[3] * prediction.shape[4];
        double norm2 = Luma.Sum(c => c * c), sum = 0;
        for (long i = 0; i < b * t; i++)
        {
            for (long p = 0; p < hw; p++)
            {
                double[] rgb = [e[(i * 3 * hw) + p], e[(i * 3 * hw) + hw + p], e[(i * 3 * hw) + (2 * hw) + p]];
                double along = (rgb[0] * Luma[0]) + (rgb[1] * Luma[1]) + (rgb[2] * Luma[2]);
                double total = rgb.Sum(v => v * v);
                double lumaPart = along * along / norm2;
                sum += lumaPart + (weight * (total - lumaPart));
            }
        }

        double expected = sum / (b * t * hw * 3);
        double loss = ForecastPass.Loss(new TrainingOptions { Loss = LossKind.L2, ChromaWeight = weight }, prediction, target, context).item<float>();
        Assert.Equal(expected, loss, 1e-6);
    }

    [Fact]
    public void ChromaWeightIgnoresFramesThatAreNotRgb()
    {
        using var scope = NewDisposeScope();
        var (context, prediction, target) = Batch(seed: 3, channels: 1);
        var options = new TrainingOptions { Loss = LossKind.L2 };
        Assert.Equal(
            ForecastPass.Loss(options, prediction, target, context).item<float>(),
            ForecastPass.Loss(options with { ChromaWeight = 0.1 }, prediction, target, context).item<float>());
    }

    [Fact]
    public void HorizonWeightingScalesEachStepByTheMeanCopyLastLossOverItsOwn()
    {
        using var scope = NewDisposeScope();
        var (context, prediction, target) = Batch(seed: 4);
        long b = target.shape[0], t = target.shape[1], per = target.shape[2] * target.shape[3] * target.shape[4];
        var pred = prediction.data<float>().ToArray();
        var truth = target.data<float>().ToArray();
        var last = context[.., ^1].contiguous().data<float>().ToArray();
        var model = new double[t];
        var copy = new double[t];
        for (long i = 0; i < b; i++)
        {
            for (long k = 0; k < t; k++)
            {
                for (long j = 0; j < per; j++)
                {
                    long at = (((i * t) + k) * per) + j;
                    model[k] += Math.Pow(pred[at] - truth[at], 2) / (b * per);
                    copy[k] += Math.Pow(last[(i * per) + j] - truth[at], 2) / (b * per);
                }
            }
        }

        double meanCopy = copy.Average();
        double expected = Enumerable.Range(0, (int)t).Average(k => model[k] * meanCopy / copy[k]);
        var options = new TrainingOptions { Loss = LossKind.L2, HorizonWeighting = true };
        Assert.Equal(expected, ForecastPass.Loss(options, prediction, target, context).item<float>(), 1e-6);

        // Copying the last frame scores its plain mean loss, so the loss keeps its scale.
        var copied = context[.., ^1..].expand_as(target);
        Assert.Equal(meanCopy, ForecastPass.Loss(options, copied, target, context).item<float>(), 1e-6);
    }

    [Fact]
    public void HorizonWeightingOfAStaticClipKeepsEqualWeights()
    {
        using var scope = NewDisposeScope();
        var (context, prediction, _) = Batch(seed: 5);
        var still = context[.., ^1..].expand(-1, 3, -1, -1, -1).contiguous();
        var options = new TrainingOptions { Loss = LossKind.L2 };
        Assert.Equal(
            ForecastPass.Loss(options, prediction, still, context).item<float>(),
            ForecastPass.Loss(options with { HorizonWeighting = true }, prediction, still, context).item<float>(),
            1e-6);
    }

    [Fact]
    public void TheLossStillDifferentiatesThroughThePrediction()
    {
        using var scope = NewDisposeScope();
        var (context, prediction, target) = Batch(seed: 6);
        var leaf = prediction.detach().requires_grad_(true);
        var loss = ForecastPass.Loss(new TrainingOptions { Loss = LossKind.L2, ChromaWeight = 0.3, HorizonWeighting = true }, leaf, target, context);
        loss.backward();
        Assert.True(leaf.grad is { } g && g.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void ChromaWeightOutsideZeroToOneIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainingOptions.FromJson("{\"chroma_weight\": 1.5}"));
        Assert.Contains("chroma_weight", e.Message, StringComparison.Ordinal);
    }

    private static (Tensor Context, Tensor Prediction, Tensor Target) Batch(int seed, int channels = 3)
    {
        var g = new TorchSharp.torch.Generator((ulong)seed);
        var context = rand([2, 4, channels, 5, 6], generator: g);
        var target = rand([2, 3, channels, 5, 6], generator: g);
        // Later steps drift further from the last context frame, as in a real clip.
        for (int k = 0; k < 3; k++)
        {
            target[.., k] = (context[.., ^1] * (1 - (0.3 * (k + 1)))) + (target[.., k] * 0.3 * (k + 1));
        }

        var prediction = target + (randn([2, 3, channels, 5, 6], generator: g) * 0.1);
        return (context, prediction, target);
    }
}
