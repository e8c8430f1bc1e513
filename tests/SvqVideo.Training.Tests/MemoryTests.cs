using System.Diagnostics;
using SvqVideo.Testing;
using SvqVideo.Training.Tests.StandIns;
using static TorchSharp.torch;

namespace SvqVideo.Training.Tests;

public class MemoryTests
{
    [Fact]
    public void LiveTensorCountAndResidentMemoryStayFlatAcrossEpochs()
    {
        using var folder = new TempFolder();
        using var model = Runs.NewModel(5, withQuantizer: true);
        var tensorCounts = new List<long>();
        var resident = new List<long>();
        var recorder = new Runs.Recorder(p =>
        {
            if (p is EpochSummary)
            {
                tensorCounts.Add(Tensor.TotalCount);
                using var process = Process.GetCurrentProcess();
                resident.Add(process.WorkingSet64);
            }
        });
        var options = Runs.Options(folder.Path) with { Epochs = 24, NoiseFraction = 0.1 };
        new Trainer(model, Runs.TrainSet(), Runs.ValidationSet(), options).Train(progress: recorder);

        // 24 epochs × 8 steps, with validation and one or two checkpoint writes per epoch.
        Assert.True(tensorCounts.Skip(2).Max() <= tensorCounts[1], $"live tensors grew: {string.Join(", ", tensorCounts)}");
        long growth = resident[^1] - resident[2];
        Assert.True(growth < 64L << 20, $"resident memory grew by {growth >> 20} MB over 21 epochs");
    }

    [Fact]
    public void EvaluationLeavesNoLiveTensorsBehind()
    {
        using var model = Runs.NewModel(5);
        var data = Runs.ValidationSet();
        Evaluation.Run(model, data, null, _ => { });
        long before = Tensor.TotalCount;
        for (int i = 0; i < 5; i++)
        {
            Evaluation.Run(model, data, null, _ => { });
            Evaluation.RunCopyLastFrame(data, null, _ => { });
        }

        Assert.True(Tensor.TotalCount <= before, $"live tensors grew from {before} to {Tensor.TotalCount}");
    }
}
