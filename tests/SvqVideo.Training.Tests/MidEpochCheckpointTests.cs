using System.Text.Json.Nodes;
using SvqVideo.Testing;
using SvqVideo.Torch;
using SvqVideo.Training.Tests.StandIns;
using static TorchSharp.torch;

namespace SvqVideo.Training.Tests;

/// <summary>
/// Checkpoints inside an epoch (<see cref="TrainingOptions.CheckpointEvery"/>): when they are written, and that a run
/// killed after any step and resumed from its newest checkpoint ends bit-identical to an uninterrupted run, weights and
/// <c>train.jsonl</c> losses alike (CPU, same thread count). Also: Ctrl+C during validation, and <c>best</c> across a
/// kill between the two checkpoint files. The stand-in has 8 steps per epoch, dropout, noise injection and a quantizer.
/// </summary>
public class MidEpochCheckpointTests
{
    private const long Seed = 7;

    private sealed class SimulatedKill : Exception;

    /// <summary>An uninterrupted run that writes checkpoints at epoch ends only, in its own folder.</summary>
    private static (Dictionary<string, Tensor> Weights, TrainingResult Result, List<StepProgress> Steps, List<string> Log) Reference(TrainingOptions options)
    {
        using var folder = new TempFolder();
        using var model = Runs.NewModel(Seed, withQuantizer: true);
        var recorder = new Runs.Recorder();
        var result = new Trainer(model, Runs.TrainSet(), Runs.ValidationSet(), options with { CheckpointDirectory = folder.Path, CheckpointEvery = CheckpointInterval.EpochEnd })
            .Train(progress: recorder);
        return (Runs.Snapshot(model), result, recorder.Steps, EpochLines(folder.Path));
    }

    /// <summary>The <c>epoch</c> lines of a run's <c>train.jsonl</c> without their timings (every loss, metric and flag stays).</summary>
    internal static List<string> EpochLines(string folder) =>
        File.ReadAllLines(Path.Combine(folder, Trainer.LogFileName))
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .Where(line => (string?)line["type"] == "epoch")
            .Select(line =>
            {
                foreach (var timing in new[] { "epoch_seconds", "elapsed_seconds", "sequences_per_second" })
                {
                    Assert.True(line.Remove(timing), $"train.jsonl has no {timing}");
                }

                return line.ToJsonString();
            })
            .ToList();

    [Theory]
    [InlineData(13, 12)]
    [InlineData(10, 9)]
    [InlineData(9, 8)]
    [InlineData(23, 21)]
    public void ARunKilledAfterAnyStepResumesFromItsNewestCheckpointAndEndsBitIdentical(long killAfter, long checkpointAt)
    {
        var options = Runs.Options() with { Epochs = 3 };
        var reference = Reference(options);

        using var folder = new TempFolder();
        var every3 = options with { CheckpointDirectory = folder.Path, CheckpointEvery = CheckpointInterval.EverySteps(3) };
        using (var model = Runs.NewModel(Seed, withQuantizer: true))
        {
            var killer = new Runs.Recorder(p =>
            {
                if (p is StepProgress s && s.GlobalStep == killAfter)
                {
                    throw new SimulatedKill();
                }
            });
            Assert.Throws<SimulatedKill>(() => new Trainer(model, Runs.TrainSet(), Runs.ValidationSet(), every3).Train(progress: killer));
        }

        // The newest checkpoint is the last multiple of 3 (or epoch end, every 8 steps) before the step that was cut short.
        var saved = Checkpoint.ReadManifest(folder.Combine(Trainer.LastFileName)).Training!;
        Assert.Equal(checkpointAt, saved["global_step"]!.GetValue<long>());
        Assert.Equal(checkpointAt % 8, saved["step_in_epoch"]!.GetValue<int>());

        using var resumedModel = Runs.NewModel(999, withQuantizer: true);
        var resumed = new Runs.Recorder();
        var result = new Trainer(resumedModel, Runs.TrainSet(), Runs.ValidationSet(), every3).Train(resume: true, progress: resumed);

        Assert.Equal(checkpointAt + 1, resumed.Steps[0].GlobalStep);
        Assert.Equal((checkpointAt / 8) + 1, resumed.Steps[0].Epoch);
        Assert.Equal((checkpointAt % 8) + 1, resumed.Steps[0].Step);
        Assert.True(Runs.Identical(reference.Weights, Runs.Snapshot(resumedModel)), "the resumed run's final weights differ from the uninterrupted run's");
        Assert.Equal(reference.Steps.Skip((int)checkpointAt).Select(s => s.Loss), resumed.Steps.Select(s => s.Loss));
        Assert.Equal(reference.Log, EpochLines(folder.Path));
        Assert.Equal(StopReason.Completed, result.Reason);
    }

    [Fact]
    public void AStepIntervalWritesWhenTheRunsStepCountIsAMultipleOfIt()
    {
        using var folder = new TempFolder();
        using var model = Runs.NewModel(Seed);
        var recorder = new Runs.Recorder();
        var checkpoints = new List<CheckpointProgress>();
        var options = Runs.Options(folder.Path) with { Epochs = 3, CheckpointEvery = CheckpointInterval.EverySteps(5) };
        var result = new Trainer(model, Runs.TrainSet(), null, options).Train(progress: new Runs.Recorder(p =>
        {
            if (p is CheckpointProgress c)
            {
                checkpoints.Add(c);
            }
        }));

        var inside = checkpoints.Where(c => c.MidEpoch).Select(c => (c.GlobalStep, c.Epoch, c.Step)).ToList();
        Assert.Equal(new[] { (5L, 1, 5), (10L, 2, 2), (15L, 2, 7), (20L, 3, 4) }, inside);
        Assert.Equal(new[] { (8L, 1, 8), (16L, 2, 8), (24L, 3, 8) }, checkpoints.Where(c => !c.MidEpoch).Select(c => (c.GlobalStep, c.Epoch, c.Step)));
        Assert.All(checkpoints, c => Assert.Equal(folder.Combine(Trainer.LastFileName), c.Path));
        Assert.All(checkpoints, c => Assert.True(c.Bytes > 0));
        Assert.Equal(checkpoints.Count, result.CheckpointsWritten);
    }

    [Fact]
    public void ATimeIntervalCountsWallTimeFromTheLastCheckpoint()
    {
        // One second per step on a fake clock; epoch ends (every 8 steps) write a checkpoint and restart the count.
        using var folder = new TempFolder();
        using var model = Runs.NewModel(Seed);
        var clock = new ManualClock();
        var inside = new List<long>();
        var options = Runs.Options(folder.Path) with { Epochs = 3, CheckpointEvery = CheckpointInterval.Parse("5s") };
        new Trainer(model, Runs.TrainSet(), null, options, clock).Train(progress: new Runs.Recorder(p =>
        {
            if (p is StepProgress)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
            }
            else if (p is CheckpointProgress { MidEpoch: true } c)
            {
                inside.Add(c.GlobalStep);
            }
        }));

        Assert.Equal(new[] { 5L, 13L, 21L }, inside);
    }

    [Fact]
    public void ACheckpointDueWhenAnEpochsStepsEndIsWrittenBeforeItsValidation()
    {
        // One second per step, a checkpoint every 4 s: due after steps 4 and 8 of each epoch; the one at step 8 comes
        // before the validation (which may be long), the epoch-end one after it.
        using var folder = new TempFolder();
        using var model = Runs.NewModel(Seed);
        var clock = new ManualClock();
        var events = new List<string>();
        var options = Runs.Options(folder.Path) with { Epochs = 2, CheckpointEvery = CheckpointInterval.Parse("4s") };
        new Trainer(model, Runs.TrainSet(), Runs.ValidationSet(), options, clock).Train(progress: new Runs.Recorder(p =>
        {
            switch (p)
            {
                case StepProgress:
                    clock.Advance(TimeSpan.FromSeconds(1));
                    break;
                case CheckpointProgress c:
                    events.Add($"{(c.MidEpoch ? "inside" : "end")} {Path.GetFileNameWithoutExtension(c.Path)} {c.Epoch}:{c.Step}");
                    break;
                case EpochSummary e:
                    events.Add($"validated {e.Epoch}");
                    break;
            }
        }));

        Assert.Equal(
            new[]
            {
                "inside last 1:4", "inside last 1:8", "validated 1", "end last 1:8", "end best 1:8",
                "inside last 2:4", "inside last 2:8", "validated 2", "end last 2:8", "end best 2:8",
            },
            events);
    }

    [Fact]
    public void TheDefaultIsEveryFiveMinutesAndEpochEndOnlyWritesNoneInside()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), new TrainingOptions().CheckpointEvery.Time);
        using var folder = new TempFolder();
        using var model = Runs.NewModel(Seed);
        var clock = new ManualClock();
        int inside = 0;
        var options = Runs.Options(folder.Path) with { Epochs = 2, CheckpointEvery = CheckpointInterval.EpochEnd };
        new Trainer(model, Runs.TrainSet(), null, options, clock).Train(progress: new Runs.Recorder(p =>
        {
            if (p is StepProgress)
            {
                clock.Advance(TimeSpan.FromHours(1));
            }
            else if (p is CheckpointProgress { MidEpoch: true })
            {
                inside++;
            }
        }));

        Assert.Equal(0, inside);
    }

    [Fact]
    public void CancellingDuringValidationStopsThePassSavesTheEpochAndTheResumeValidatesItFirst()
    {
        var options = Runs.Options() with { Epochs = 3 };
        var validation = new MovingSquares(400, seed: 2);
        using var referenceModel = Runs.NewModel(Seed, withQuantizer: true);
        using (var referenceFolder = new TempFolder())
        {
            new Trainer(referenceModel, Runs.TrainSet(), new MovingSquares(400, seed: 2), options with { CheckpointDirectory = referenceFolder.Path }).Train();
        }

        using var folder = new TempFolder();
        using var cancel = new CancellationTokenSource();
        var watched = new CancelOnRead(validation, cancel);
        var first = new Runs.Recorder(p =>
        {
            if (p is StepProgress { GlobalStep: 16 })
            {
                watched.ArmAfter(40);
            }
        });
        using (var model = Runs.NewModel(Seed, withQuantizer: true))
        {
            var stopped = new Trainer(model, Runs.TrainSet(), watched, options with { CheckpointDirectory = folder.Path }).Train(progress: first, cancellationToken: cancel.Token);
            Assert.Equal(StopReason.Cancelled, stopped.Reason);
        }

        // The second epoch's 400-clip pass stopped within a few batches of the cancellation, and was not recorded.
        Assert.InRange(watched.ReadWhileArmed, 41, 120);
        Assert.Equal(new[] { 1 }, first.Epochs.Select(e => e.Epoch));
        var saved = Checkpoint.ReadManifest(folder.Combine(Trainer.LastFileName)).Training!;
        Assert.Equal((1, 8, 16L), (saved["next_epoch"]!.GetValue<int>(), saved["step_in_epoch"]!.GetValue<int>(), saved["global_step"]!.GetValue<long>()));

        using var resumedModel = Runs.NewModel(5, withQuantizer: true);
        var resumed = new Runs.Recorder();
        var result = new Trainer(resumedModel, Runs.TrainSet(), validation, options with { CheckpointDirectory = folder.Path }).Train(resume: true, progress: resumed);
        Assert.Equal(2, resumed.Epochs[0].Epoch);
        Assert.Equal(17, resumed.Steps[0].GlobalStep);
        Assert.True(Runs.Identical(Runs.Snapshot(referenceModel), Runs.Snapshot(resumedModel)), "the resumed run's final weights differ from the uninterrupted run's");
        Assert.Equal(3, result.History.Count);
    }

    [Fact]
    public void AKillBetweenLastAndBestLeavesBestToTheResumeWhichWritesThatEpochsWeights()
    {
        var options = Runs.Options() with { Epochs = 3 };
        using var referenceFolder = new TempFolder();
        using (var referenceModel = Runs.NewModel(Seed, withQuantizer: true))
        {
            var reference = new Trainer(referenceModel, Runs.TrainSet(), Runs.ValidationSet(), options with { CheckpointDirectory = referenceFolder.Path }).Train();
            Assert.True(reference.History[1].IsBest, "precondition: the second epoch is the best so far");
        }

        using var folder = new TempFolder();
        using (var model = Runs.NewModel(Seed, withQuantizer: true))
        {
            // The second epoch's last.safetensors is on disk, its best.safetensors not yet.
            var killer = new Runs.Recorder(p =>
            {
                if (p is CheckpointProgress { GlobalStep: 16, MidEpoch: false } c && c.Path.EndsWith(Trainer.LastFileName, StringComparison.Ordinal))
                {
                    throw new SimulatedKill();
                }
            });
            Assert.Throws<SimulatedKill>(() => new Trainer(model, Runs.TrainSet(), Runs.ValidationSet(), options with { CheckpointDirectory = folder.Path }).Train(progress: killer));
        }

        Assert.Equal(8, Checkpoint.ReadManifest(folder.Combine(Trainer.BestFileName)).Training!["global_step"]!.GetValue<long>());
        var written = new List<CheckpointProgress>();
        using var resumedModel = Runs.NewModel(3, withQuantizer: true);
        new Trainer(resumedModel, Runs.TrainSet(), Runs.ValidationSet(), options with { CheckpointDirectory = folder.Path }).Train(resume: true, progress: new Runs.Recorder(p =>
        {
            if (p is CheckpointProgress c)
            {
                written.Add(c);
            }
        }));

        Assert.Equal((folder.Combine(Trainer.BestFileName), 16L), (written[0].Path, written[0].GlobalStep));
        var (_, expected) = Checkpoint.Load(Path.Combine(referenceFolder.Path, Trainer.BestFileName));
        var (_, actual) = Checkpoint.Load(folder.Combine(Trainer.BestFileName));
        Assert.True(Runs.Identical(expected, actual), "best.safetensors differs from the uninterrupted run's");
    }

    /// <summary>A clip set that cancels a token once a given number of its clips have been read after <see cref="ArmAfter"/>.</summary>
    private sealed class CancelOnRead(MovingSquares source, CancellationTokenSource cancel) : Datasets.IClipDataset
    {
        private int _armed;
        private int _limit;
        private int _read;

        public int ReadWhileArmed => Volatile.Read(ref _read);

        public string Name => source.Name;

        public int Count => source.Count;

        public int FramesIn => source.FramesIn;

        public int FramesOut => source.FramesOut;

        public int Channels => source.Channels;

        public int Height => source.Height;

        public int Width => source.Width;

        public void ArmAfter(int clips)
        {
            _limit = clips;
            Volatile.Write(ref _armed, 1);
        }

        public void CopyClip(int index, Span<float> destination)
        {
            source.CopyClip(index, destination);
            if (Volatile.Read(ref _armed) == 1 && Interlocked.Increment(ref _read) > _limit)
            {
                cancel.Cancel();
            }
        }
    }
}
