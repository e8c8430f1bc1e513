namespace SvqVideo.Training;

/// <summary>
/// A checkpoint file was written (atomically: it is complete on disk). Reported after <c>last.safetensors</c> at
/// an epoch end, inside an epoch (<see cref="TrainingOptions.CheckpointEvery"/>) or when the run stops, and after
/// <c>best.safetensors</c>. Immutable.
/// </summary>
public sealed record CheckpointProgress : TrainingProgress
{
    /// <summary>Steps of <see cref="TrainingProgress.Epoch"/> trained when it was written (<see cref="StepsPerEpoch"/> at an epoch end).</summary>
    public required int Step { get; init; }

    /// <summary>Steps per epoch.</summary>
    public required int StepsPerEpoch { get; init; }

    /// <summary>Steps trained in the whole run when it was written; a resume continues with the next one.</summary>
    public required long GlobalStep { get; init; }

    /// <summary>Full path of the file written.</summary>
    public required string Path { get; init; }

    /// <summary>Size of the file in bytes.</summary>
    public required long Bytes { get; init; }

    /// <summary>Wall time the write took (collecting the state, writing, flushing to disk, renaming, and the log for <c>last</c>).</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>True for a checkpoint written inside an epoch because <see cref="TrainingOptions.CheckpointEvery"/> came due.</summary>
    public bool MidEpoch { get; init; }
}
