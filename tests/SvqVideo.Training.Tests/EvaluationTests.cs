using SvqVideo.Training.Tests.StandIns;

namespace SvqVideo.Training.Tests;

public class EvaluationTests
{
    [Fact]
    public void EveryClipIsEvaluatedOnceInDatasetOrderIncludingAnIncompleteLastBatch()
    {
        using var model = Runs.NewModel(5);
        var data = new MovingSquares(23, framesIn: 4, framesOut: 3);
        var firsts = new List<int>();
        var sizes = new List<int>();
        Evaluation.Run(model, data, new EvaluationOptions { BatchSize = 8 }, batch =>
        {
            firsts.Add(batch.FirstClip);
            sizes.Add(batch.Clips);
            Assert.Equal([batch.Clips, 4, 1, 16, 16], batch.Inputs.shape);
            Assert.Equal([batch.Clips, 3, 1, 16, 16], batch.Targets.shape);
            Assert.Equal(batch.Targets.shape, batch.Predictions.shape);
        });
        Assert.Equal([0, 8, 16], firsts);
        Assert.Equal([8, 8, 7], sizes);
        Assert.True(model.Module.training, "the model's training flag was not restored");
    }

    [Fact]
    public void TargetsAreTheClipsFutureFrames()
    {
        var data = new MovingSquares(4);
        var clip = new float[(data.FramesIn + data.FramesOut) * 16 * 16];
        data.CopyClip(2, clip);
        float[]? targets = null;
        Evaluation.RunCopyLastFrame(data, new EvaluationOptions { BatchSize = 4 }, batch => targets = batch.Targets[2].reshape(-1).data<float>().ToArray());
        Assert.Equal(clip.AsSpan(data.FramesIn * 16 * 16).ToArray(), targets);
    }

    [Fact]
    public void TheCopyLastFrameBaselineRepeatsTheLastContextFrame()
    {
        var data = new MovingSquares(10);
        Evaluation.RunCopyLastFrame(data, new EvaluationOptions { BatchSize = 4, MaxClips = 6 }, batch =>
        {
            var last = batch.Inputs.narrow(1, data.FramesIn - 1, 1);
            for (int t = 0; t < data.FramesOut; t++)
            {
                Assert.True(Runs.Same(batch.Predictions.narrow(1, t, 1), last));
            }
        });
    }

    [Fact]
    public void TheBlankFrameBaselineIsEachClipsMeanContextValueEverywhere()
    {
        var data = new MovingSquares(10);
        int clip = 0;
        Evaluation.RunBlankFrame(data, new EvaluationOptions { BatchSize = 4, MaxClips = 6 }, batch =>
        {
            for (int i = 0; i < batch.Clips; i++, clip++)
            {
                var values = new float[(data.FramesIn + data.FramesOut) * data.Height * data.Width];
                data.CopyClip(clip, values);
                double mean = values.Take(data.FramesIn * data.Height * data.Width).Average(v => (double)v);
                var prediction = batch.Predictions[i];
                Assert.Equal([data.FramesOut, 1, data.Height, data.Width], prediction.shape);
                Assert.Equal(mean, prediction.min().item<float>(), 5);
                Assert.Equal(mean, prediction.max().item<float>(), 5);
            }
        });
        Assert.Equal(6, clip);
    }

    [Fact]
    public void AShorterHorizonTruncatesTargetsAndPredictions()
    {
        using var model = Runs.NewModel(5);
        var data = new MovingSquares(8);
        Evaluation.Run(model, data, new EvaluationOptions { Horizon = 2 }, batch =>
        {
            Assert.Equal(2, batch.Targets.shape[1]);
            Assert.Equal(2, batch.Predictions.shape[1]);
        });
    }
}
