using SvqVideo.Datasets;
using SvqVideo.Torch;
using SvqVideo.Training.Tests.StandIns;
using static TorchSharp.torch;

namespace SvqVideo.Training.Tests;

public sealed class FlowPriorCheckTests
{
    private const int Size = 32;

    /// <summary>A smooth texture drifting by a clip-dependent sub-pixel velocity every frame.</summary>
    private sealed class DriftingTexture(int count) : IClipDataset
    {
        public string Name => "drift";

        public int Count => count;

        public int FramesIn => 4;

        public int FramesOut => 4;

        public int Channels => 3;

        public int Height => Size;

        public int Width => Size;

        public void CopyClip(int index, Span<float> destination)
        {
            double vx = 0.6 + (0.1 * (index % 4)), vy = -0.4 + (0.2 * (index % 3));
            int plane = Size * Size;
            for (int f = 0; f < FramesIn + FramesOut; f++)
            {
                for (int c = 0; c < Channels; c++)
                {
                    for (int y = 0; y < Size; y++)
                    {
                        for (int x = 0; x < Size; x++)
                        {
                            double u = x - (vx * f), v = y - (vy * f);
                            destination[(((f * Channels) + c) * plane) + (y * Size) + x] = (float)(0.5 + (0.2 * Math.Sin((0.5 * u) + (0.3 * v) + c)) + (0.15 * Math.Cos((0.35 * v) - (0.2 * u) + index)));
                        }
                    }
                }
            }
        }
    }

    /// <summary>Conway's life (B3/S23) on a torus from a seeded random fill: content that changes without moving.</summary>
    private sealed class Life(int count) : IClipDataset
    {
        public string Name => "life";

        public int Count => count;

        public int FramesIn => 4;

        public int FramesOut => 4;

        public int Channels => 1;

        public int Height => Size;

        public int Width => Size;

        public void CopyClip(int index, Span<float> destination)
        {
            var random = new Random(index + 5);
            var cells = new bool[Size, Size];
            for (int y = 0; y < Size; y++)
            {
                for (int x = 0; x < Size; x++)
                {
                    cells[y, x] = random.NextDouble() < 0.35;
                }
            }

            for (int f = 0; f < 10 + FramesIn + FramesOut; f++)
            {
                if (f >= 10)
                {
                    for (int y = 0; y < Size; y++)
                    {
                        for (int x = 0; x < Size; x++)
                        {
                            destination[((f - 10) * Size * Size) + (y * Size) + x] = cells[y, x] ? 1f : 0f;
                        }
                    }
                }

                var next = new bool[Size, Size];
                for (int y = 0; y < Size; y++)
                {
                    for (int x = 0; x < Size; x++)
                    {
                        int n = 0;
                        for (int dy = -1; dy <= 1; dy++)
                        {
                            for (int dx = -1; dx <= 1; dx++)
                            {
                                n += (dx != 0 || dy != 0) && cells[(y + dy + Size) % Size, (x + dx + Size) % Size] ? 1 : 0;
                            }
                        }

                        next[y, x] = n == 3 || (n == 2 && cells[y, x]);
                    }
                }

                cells = next;
            }
        }
    }

    private static readonly TrainingOptions Loss = new() { Loss = LossKind.L2, ChromaWeight = 0.25, HorizonWeighting = true };

    [Fact]
    public void SteadyMotionIsWorthCarryingOn()
    {
        var verdict = FlowPriorCheck.Run(new DriftingTexture(12), Loss);
        Assert.Equal(12, verdict.Clips);
        Assert.True(verdict.PriorHelps);
        Assert.True(verdict.PriorLoss < verdict.CopyLastLoss / 4, $"constant velocity {verdict.PriorLoss} against copy-last {verdict.CopyLastLoss}");
    }

    [Fact]
    public void ContentThatChangesWithoutMovingIsNot()
    {
        var verdict = FlowPriorCheck.Run(new Life(12), Loss, maxClips: 8);
        Assert.Equal(8, verdict.Clips);
        Assert.False(verdict.PriorHelps, $"constant velocity {verdict.PriorLoss} against copy-last {verdict.CopyLastLoss}");
    }

    [Theory]
    [InlineData(0.79, true)]
    [InlineData(0.81, false)]
    [InlineData(0.95, false)]
    public void TheMotionMustExplainAFifthOfCopyLastsLoss(double ratio, bool helps) =>
        Assert.Equal(helps, new FlowPriorVerdict(ratio * 0.01, 0.01, 5).PriorHelps);

    [Fact]
    public void OneContextFrameIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => FlowPriorCheck.Run(new MovingSquares(4, framesIn: 1), Loss));
        Assert.Contains("at least two context frames", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheConstantVelocityForecastMovesTheLastFrameAlongMultiplesOfItsMotion()
    {
        using var scope = NewDisposeScope();
        var data = new DriftingTexture(2);
        var clip = new float[8 * 3 * Size * Size];
        data.CopyClip(1, clip);
        var context = tensor(clip).reshape(1, 8, 3, Size, Size).narrow(1, 0, 4);
        var motion = MotionEstimation.Estimate(context.select(1, 2), context.select(1, 3));

        var forecast = Evaluation.ConstantVelocity(context, 6);

        Assert.Equal(new long[] { 1, 6, 3, Size, Size }, forecast.shape);
        for (int k = 1; k <= 6; k++)
        {
            Assert.True(Runs.Same(FlowSampling.Warp(context.select(1, 3), motion * k), forecast.select(1, k - 1)), $"step {k}");
        }
    }

    [Fact]
    public void StillContextIsCopied()
    {
        using var scope = NewDisposeScope();
        var still = rand([2, 1, 1, 16, 16]).expand(2, 3, 1, 16, 16);
        var forecast = Evaluation.ConstantVelocity(still, 3);
        Assert.True((forecast - Evaluation.CopyLastFrame(still, 3)).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void TheConstantVelocityForecastNeedsTwoContextFrames()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => Evaluation.ConstantVelocity(zeros([1, 1, 1, 8, 8]), 2));
    }
}
