using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Training;

/// <summary>
/// The trainer's checkpoints: <c>best</c>/<c>last.safetensors</c> hold the model's state dict, the optimizer's
/// moments, the RNG states and the <see cref="TrainingState"/> in the manifest; <c>train.jsonl</c> is rewritten
/// with every <c>last</c>. Restoring puts all of it back, so a resumed run continues exactly.
/// </summary>
internal static class TrainingCheckpoints
{
    /// <summary>Writes <paramref name="fileName"/> (and, for <c>last</c>, the log) into the context's folder; nothing without a folder.</summary>
    public static void Save(TrainingContext run, TrainingState state, string fileName)
    {
        if (run.Folder is null)
        {
            return;
        }

        using (var scope = NewDisposeScope())
        {
            var tensors = new List<KeyValuePair<string, Tensor>>(run.Model.Module.state_dict());
            tensors.AddRange(OptimizerCheckpoint.Save(run.Optimizer, run.ParameterNames));
            tensors.Add(new(Trainer.TorchRngKey, get_rng_state()));
            tensors.Add(new(Trainer.NoiseRngKey, run.Noise.get_state()));
            Checkpoint.Save(Path.Combine(run.Folder, fileName), CheckpointManifest.For(run.Model, state.ToJson()), tensors);
        }

        if (fileName == Trainer.LastFileName)
        {
            TrainingLog.Write(Path.Combine(run.Folder, Trainer.LogFileName), state);
        }
    }

    /// <summary>Loads model, optimizer and RNG states from <paramref name="path"/> and returns the saved training state.</summary>
    /// <exception cref="FileNotFoundException">There is no checkpoint to resume from.</exception>
    /// <exception cref="InvalidDataException">The checkpoint is model-only, unreadable or lacks the RNG states.</exception>
    /// <exception cref="ArgumentException">The checkpoint's options, model or epoch length differ from this run's.</exception>
    public static TrainingState Restore(TrainingContext run, string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"cannot resume: {path} does not exist; the run stopped before its first checkpoint, start it again without resume", path);
        }

        var (manifest, tensors) = Checkpoint.Load(path);
        try
        {
            if (manifest.Training is null)
            {
                throw new InvalidDataException($"{path}: a model-only checkpoint has no training state to resume from");
            }

            var state = TrainingState.FromJson(manifest.Training, path);
            CheckCompatible(run, state, manifest, path);
            foreach (var key in new[] { Trainer.TorchRngKey, Trainer.NoiseRngKey })
            {
                if (!tensors.ContainsKey(key))
                {
                    throw new InvalidDataException($"{path}: the checkpoint has no '{key}' tensor, so the run cannot be resumed exactly");
                }
            }

            Checkpoint.LoadModelState(run.Model.Module, tensors);
            OptimizerCheckpoint.Load(run.Optimizer, run.ParameterNames, tensors, path);
            set_rng_state(tensors[Trainer.TorchRngKey]);
            run.Noise.set_state(tensors[Trainer.NoiseRngKey]);
            return state;
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>Deletes temporary files left by a process killed while writing a checkpoint or the log.</summary>
    public static void RemoveAbandonedTemporaryFiles(string folder)
    {
        foreach (var name in new[] { Trainer.BestFileName, Trainer.LastFileName, Trainer.LogFileName })
        {
            string pattern = $".{Path.GetFileNameWithoutExtension(name)}.*.tmp{Path.GetExtension(name)}";
            foreach (var file in Directory.EnumerateFiles(folder, pattern))
            {
                try
                {
                    File.Delete(file);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private static void CheckCompatible(TrainingContext run, TrainingState state, CheckpointManifest manifest, string path)
    {
        var differences = run.Options.DifferencesForResume(state.Options);
        if (differences.Count > 0)
        {
            throw new ArgumentException($"cannot resume from {path}: training options differ from the checkpoint's ({string.Join(", ", differences)}); only max_wall_time, wall_time_mode, threads, backward_threads, device, checkpoint_directory and checkpoint_every may change");
        }

        if (!manifest.Model.Equals(run.Model.Config))
        {
            throw new ArgumentException($"cannot resume from {path}: the model configuration differs from the checkpoint's; rebuild the model from the checkpoint manifest");
        }

        if (state.StepsPerEpoch != run.Schedule.StepsPerEpoch || state.ScheduleTotalSteps != run.Schedule.TotalSteps)
        {
            throw new ArgumentException($"cannot resume from {path}: it was trained with {state.StepsPerEpoch} steps per epoch, this run has {run.Schedule.StepsPerEpoch} (the training set changed)");
        }
    }
}
