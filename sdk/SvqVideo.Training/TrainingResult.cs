namespace SvqVideo.Training;

/// <summary>The outcome of <see cref="Trainer.Train"/>. Immutable.</summary>
public sealed record TrainingResult
{
    /// <summary>Why the run ended.</summary>
    public required StopReason Reason { get; init; }

    /// <summary>Complete epochs trained (all invocations).</summary>
    public required int EpochsCompleted { get; init; }

    /// <summary>Training steps taken (all invocations).</summary>
    public required long Steps { get; init; }

    /// <summary>Lowest validation loss, or null without validation.</summary>
    public double? BestValidationLoss { get; init; }

    /// <summary>Epoch (1-based) of <see cref="BestValidationLoss"/>, or null.</summary>
    public int? BestEpoch { get; init; }

    /// <summary>Copy-last-frame loss on the validation clips, or null without validation.</summary>
    public double? BaselineLoss { get; init; }

    /// <summary>Every epoch record (all invocations), oldest first.</summary>
    public required IReadOnlyList<EpochSummary> History { get; init; }

    /// <summary>Path of <c>best.safetensors</c>, or null when none was written.</summary>
    public string? BestCheckpoint { get; init; }

    /// <summary>Path of <c>last.safetensors</c>, or null without a checkpoint folder.</summary>
    public string? LastCheckpoint { get; init; }

    /// <summary>Where the loss or gradient stopped being finite, when <see cref="Reason"/> is <see cref="StopReason.NonFinite"/>; else null.</summary>
    public NonFiniteStep? NonFinite { get; init; }

    /// <summary>Checkpoint files (<c>last</c> and <c>best</c>) written by this invocation.</summary>
    public int CheckpointsWritten { get; init; }

    /// <summary>Wall time this invocation spent writing them (part of <see cref="Elapsed"/>).</summary>
    public TimeSpan CheckpointTime { get; init; }

    /// <summary>Wall time of this invocation.</summary>
    public required TimeSpan Elapsed { get; init; }
}
