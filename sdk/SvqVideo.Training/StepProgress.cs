namespace SvqVideo.Training;

/// <summary>One finished training step. Immutable.</summary>
public sealed record StepProgress : TrainingProgress
{
    /// <summary>Step within the epoch (1-based).</summary>
    public required int Step { get; init; }

    /// <summary>Steps per epoch.</summary>
    public required int StepsPerEpoch { get; init; }

    /// <summary>Steps finished in the whole run, this one included.</summary>
    public required long GlobalStep { get; init; }

    /// <summary>Steps in the whole run.</summary>
    public required long TotalSteps { get; init; }

    /// <summary>This step's training loss (forecast loss + auxiliary loss, with noise injection if enabled).</summary>
    public required double Loss { get; init; }

    /// <summary>Learning rate used by this step.</summary>
    public required double LearningRate { get; init; }

    /// <summary>Training throughput in clips per second, averaged over this invocation's steps.</summary>
    public required double SequencesPerSecond { get; init; }

    /// <summary>Estimated time until the run ends (all epochs, or the wall-time budget if sooner); validation time not included.</summary>
    public required TimeSpan Eta { get; init; }
}
