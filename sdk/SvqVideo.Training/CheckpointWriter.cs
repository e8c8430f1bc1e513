using SvqVideo.Torch;

namespace SvqVideo.Training;

/// <summary>
/// Writes one invocation's checkpoints (through <see cref="TrainingCheckpoints"/>), reports each as a
/// <see cref="CheckpointProgress"/>, adds up their count and time, and says when the next one inside an epoch is due
/// (<see cref="TrainingOptions.CheckpointEvery"/>). Without a checkpoint folder it writes nothing and nothing is due.
/// </summary>
internal sealed class CheckpointWriter(TrainingContext run, long startStep)
{
    private long _lastStep = startStep;
    private long _lastAt = run.Time.GetTimestamp();

    /// <summary>Files written so far.</summary>
    public int Written { get; private set; }

    /// <summary>Wall time spent writing them.</summary>
    public TimeSpan Time { get; private set; }

    /// <summary>
    /// True when a checkpoint inside the epoch is due at this step boundary: <paramref name="globalStep"/> is a multiple of
    /// the step interval, or the time interval has passed since the last <c>last.safetensors</c> (or the start), and
    /// nothing was saved at this very step.
    /// </summary>
    public bool Due(long globalStep)
    {
        if (run.Folder is null || globalStep == _lastStep)
        {
            return false;
        }

        var every = run.Options.CheckpointEvery;
        return every.Steps > 0 ? globalStep % every.Steps == 0
            : every.Time is TimeSpan time && run.Time.GetElapsedTime(_lastAt) >= time;
    }

    /// <summary>Writes <paramref name="fileName"/> (<see cref="Trainer.LastFileName"/> or <see cref="Trainer.BestFileName"/>) from <paramref name="state"/>.</summary>
    public void Write(TrainingState state, string fileName, bool midEpoch = false)
    {
        if (run.Folder is null)
        {
            return;
        }

        long start = run.Time.GetTimestamp();
        TrainingCheckpoints.Save(run, state, fileName);
        var duration = run.Time.GetElapsedTime(start);
        Written++;
        Time += duration;
        if (fileName == Trainer.LastFileName)
        {
            _lastStep = state.GlobalStep;
            _lastAt = run.Time.GetTimestamp();
        }

        string path = Path.Combine(run.Folder, fileName);
        // A state inside an epoch names the epoch in progress; one at an epoch end, the epoch just finished.
        bool inEpoch = state.StepInEpoch > 0 || state.NextEpoch == 0;
        run.Progress?.Report(new CheckpointProgress
        {
            Epoch = inEpoch ? state.NextEpoch + 1 : state.NextEpoch,
            Epochs = run.Options.Epochs,
            Step = inEpoch ? state.StepInEpoch : run.Schedule.StepsPerEpoch,
            StepsPerEpoch = run.Schedule.StepsPerEpoch,
            GlobalStep = state.GlobalStep,
            Path = path,
            Bytes = new FileInfo(path).Length,
            Duration = duration,
            MidEpoch = midEpoch,
        });
    }

    /// <summary>
    /// Writes <c>best.safetensors</c> again when <paramref name="state"/> (just restored from <c>last</c>) says its last
    /// epoch was the best so far but the file on disk is not that epoch's: the process was killed between writing
    /// <c>last</c> and <c>best</c>. The model holds exactly that epoch's weights, so nothing is lost.
    /// </summary>
    public void RepairBest(TrainingState state)
    {
        if (run.Folder is null || state.History.Count == 0 || state.History[^1] is not { IsBest: true } closed || closed.GlobalStep != state.GlobalStep)
        {
            return;
        }

        string best = Path.Combine(run.Folder, Trainer.BestFileName);
        if (File.Exists(best) && IsFromState(best, state))
        {
            return;
        }

        Write(state, Trainer.BestFileName);
    }

    private static bool IsFromState(string best, TrainingState state)
    {
        try
        {
            var saved = Checkpoint.ReadManifest(best).Training;
            return saved is not null
                && saved["global_step"]?.GetValue<long>() == state.GlobalStep
                && saved["best_validation_loss"]?.GetValue<double>() == state.BestValidationLoss;
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }
}
