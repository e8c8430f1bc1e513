using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Training.Tests;

/// <summary>
/// The regression test for the NaN losses of a fresh AMD machine (see <see cref="BackwardPass"/>): many short
/// seeded runs back to back through the prefetching loader, with forced garbage collections and libtorch
/// allocator churn between every step. The churn fills short-lived tensors with NaN before freeing them, so a
/// kernel that read memory it had not written would read NaN. Every run must give bit-identical, finite
/// losses and weights.
/// </summary>
public sealed class StressTests
{
    private const int Runs = 6;

    [Fact]
    public void SeededRunsBackToBackGiveBitIdenticalLossesAndWeightsUnderGarbageCollectionAndAllocatorChurn()
    {
        List<double>? firstLosses = null;
        Dictionary<string, Tensor>? firstWeights = null;
        var churn = new Random(11);
        for (int run = 0; run < Runs; run++)
        {
            using var model = StandIns.Runs.NewModel(7);
            var recorder = new StandIns.Runs.Recorder(p =>
            {
                if (p is StepProgress)
                {
                    Churn(churn);
                }
            });
            var options = StandIns.Runs.Options() with { Epochs = 2 };
            var result = new Trainer(model, StandIns.Runs.TrainSet(), StandIns.Runs.ValidationSet(), options).Train(progress: recorder);
            var losses = recorder.Steps.Select(s => s.Loss).Concat(recorder.Epochs.Select(e => e.ValidationLoss ?? double.NaN)).ToList();
            var weights = StandIns.Runs.Snapshot(model);

            Assert.Equal(StopReason.Completed, result.Reason);
            Assert.All(losses, l => Assert.True(double.IsFinite(l), $"run {run}: a loss is {l}: [{string.Join(", ", losses)}]"));
            Assert.All(weights, kv => Assert.True(Checkpoint.AllFinite(kv.Value), $"run {run}: {kv.Key} holds non-finite values"));
            if (firstLosses is null)
            {
                firstLosses = losses;
                firstWeights = weights;
                continue;
            }

            Assert.True(firstLosses.SequenceEqual(losses), $"run {run}'s losses differ from run 0's:\n[{string.Join(", ", firstLosses)}]\n[{string.Join(", ", losses)}]");
            Assert.True(StandIns.Runs.Identical(firstWeights!, weights), $"run {run}'s final weights differ from run 0's");
            foreach (var t in weights.Values)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>Frees managed garbage (finalizers included) and recycles libtorch memory of assorted sizes as NaN-filled blocks.</summary>
    private static void Churn(Random random)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        using var scope = NewDisposeScope();
        for (int i = 0; i < 8; i++)
        {
            long n = random.Next(1, 1 << 16);
            _ = full([n], float.NaN);
        }
    }
}
