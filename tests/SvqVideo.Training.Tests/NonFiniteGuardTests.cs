using SvqVideo.Testing;
using SvqVideo.Torch;
using SvqVideo.Training.Tests.StandIns;
using static TorchSharp.torch;

namespace SvqVideo.Training.Tests;

/// <summary>The NaN guard: a non-finite loss or gradient stops training at that step and no checkpoint holds it.</summary>
public sealed class NonFiniteGuardTests
{
    private const int Poisoned = 13;

    [Fact]
    public void ANaNBatchStopsTrainingAtItsStepAndCheckpointsKeepTheLastGoodWeights()
    {
        using var folder = new TempFolder();
        using var model = Runs.NewModel(4);
        var options = Runs.Options(folder.Path) with { Epochs = 3 };
        var train = new PoisonedClips(Runs.TrainSet(), Poisoned, fromRead: 2);
        Dictionary<string, Tensor>? lastGood = null;
        var recorder = new Runs.Recorder(p =>
        {
            if (p is StepProgress)
            {
                lastGood = Runs.Snapshot(model);
            }
        });

        var result = new Trainer(model, train, Runs.ValidationSet(), options).Train(progress: recorder);

        // Epoch 1 is clean; in epoch 2 the batch holding clip 13 gives a NaN loss.
        int expectedStep = ExpectedStep(train, options, epoch: 1);
        Assert.Equal(StopReason.NonFinite, result.Reason);
        Assert.NotNull(result.NonFinite);
        Assert.Equal(2, result.NonFinite!.Epoch);
        Assert.Equal(expectedStep, result.NonFinite.Step);
        Assert.True(double.IsNaN(result.NonFinite.Loss));
        Assert.Contains($"the loss is NaN at epoch 2, step {expectedStep}", result.NonFinite.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, result.EpochsCompleted);
        Assert.All(recorder.Steps, s => Assert.True(double.IsFinite(s.Loss)));

        // The bad update was not applied: the model holds the weights of the last good step, and so does last.
        Assert.True(Runs.Identical(lastGood!, Runs.Snapshot(model)), "the model's weights changed in the NaN step");
        var (manifest, last) = Checkpoint.Load(result.LastCheckpoint!);
        var lastWeights = last.Where(kv => lastGood!.ContainsKey(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.True(Runs.Identical(lastGood!, lastWeights), "last.safetensors does not hold the last good weights");
        Assert.Equal(1, manifest.Training!["next_epoch"]!.GetValue<int>()); // a resume continues epoch 2 (0-based 1)

        // best is from the clean epoch; no checkpoint holds a non-finite tensor.
        Assert.NotNull(result.BestCheckpoint);
        foreach (var file in new[] { result.BestCheckpoint!, result.LastCheckpoint! })
        {
            var (_, tensors) = Checkpoint.Load(file);
            Assert.All(tensors.Where(kv => kv.Value.is_floating_point()), kv => Assert.True(Checkpoint.AllFinite(kv.Value), $"{Path.GetFileName(file)}: {kv.Key}"));
        }
    }

    [Fact]
    public void ANaNInTheFirstStepLeavesNoCheckpointWithNonFiniteValues()
    {
        using var folder = new TempFolder();
        using var model = Runs.NewModel(4);
        var before = Runs.Snapshot(model);
        var options = Runs.Options(folder.Path) with { Epochs = 2, BatchSize = 64 };
        var result = new Trainer(model, new PoisonedClips(Runs.TrainSet(), Poisoned), Runs.ValidationSet(), options).Train();

        Assert.Equal(StopReason.NonFinite, result.Reason);
        Assert.Equal((1, 1, 0L), (result.NonFinite!.Epoch, result.NonFinite.Step, result.NonFinite.GlobalStep));
        Assert.Null(result.BestCheckpoint);
        Assert.True(Runs.Identical(before, Runs.Snapshot(model)), "the initial weights changed");
        var (_, tensors) = Checkpoint.Load(result.LastCheckpoint!);
        Assert.All(tensors.Where(kv => kv.Value.is_floating_point()), kv => Assert.True(Checkpoint.AllFinite(kv.Value), kv.Key));
    }

    [Fact]
    public void ACheckpointWithANonFiniteTensorIsRefusedAndNothingIsWritten()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("bad.safetensors");
        using var good = ones(3);
        using var bad = tensor(new[] { 1f, float.PositiveInfinity });
        var manifest = new CheckpointManifest { Model = TinyForecastModel.DefaultConfig() };
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Save(path, manifest, [new("a", good), new("b", bad)]));
        Assert.Contains("'b'", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    /// <summary>The 1-based step of <paramref name="epoch"/> (0-based) whose batch holds the poisoned clip.</summary>
    private static int ExpectedStep(PoisonedClips train, TrainingOptions options, int epoch)
    {
        var loader = new SvqVideo.Datasets.ClipBatchLoader(train, new SvqVideo.Datasets.ClipBatchLoaderOptions { BatchSize = options.BatchSize, Shuffle = true, Seed = options.Seed, DropLast = true });
        int position = Array.IndexOf(loader.Order(epoch), Poisoned);
        return (position / options.BatchSize) + 1;
    }
}
