namespace SvqVideo.Training;

/// <summary>
/// A progress event of a training run, reported synchronously on the training thread through
/// <see cref="IProgress{T}"/>: a <see cref="StepProgress"/> after every step and an
/// <see cref="EpochSummary"/> after every epoch (and after a partial epoch cut short by the time budget), and a
/// <see cref="CheckpointProgress"/> after every checkpoint file written.
/// Immutable.
/// </summary>
public abstract record TrainingProgress
{
    /// <summary>The epoch (1-based).</summary>
    public required int Epoch { get; init; }

    /// <summary>Epochs configured for the run.</summary>
    public required int Epochs { get; init; }
}
