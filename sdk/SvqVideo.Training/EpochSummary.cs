namespace SvqVideo.Training;

/// <summary>
/// The record of one epoch, as reported to <see cref="IProgress{T}"/>, stored in the checkpoint's
/// history and written as one line of the JSON-lines log. Immutable.
/// </summary>
public sealed record EpochSummary : TrainingProgress
{
    /// <summary>Training steps run in this epoch (fewer than configured when <see cref="Partial"/>).</summary>
    public required int Steps { get; init; }

    /// <summary>Steps finished in the whole run after this epoch.</summary>
    public required long GlobalStep { get; init; }

    /// <summary>Mean training loss over the epoch's steps (forecast + auxiliary loss).</summary>
    public required double TrainLoss { get; init; }

    /// <summary>Mean forecast loss on the validation clips (eval mode, no noise), or null when not validated this epoch.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>The same loss for the copy-last-frame forecast on the validation clips, or null without validation.</summary>
    public double? BaselineLoss { get; init; }

    /// <summary>Lowest validation loss so far (this epoch included), or null.</summary>
    public double? BestValidationLoss { get; init; }

    /// <summary>True when this epoch set a new best validation loss (and <c>best.safetensors</c> was written).</summary>
    public bool IsBest { get; init; }

    /// <summary>Learning rate of the epoch's last step.</summary>
    public required double LearningRate { get; init; }

    /// <summary>
    /// The quantizer's per-step metrics (e.g. <c>perplexity</c>, <c>commit_loss</c>) averaged over the epoch, plus its
    /// diagnostics of the first validation batch's latents under <see cref="Trainer.ValidationDiagnosticPrefix"/>
    /// (e.g. <c>val_perplexity_theta2</c>); empty without any.
    /// </summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Codebook perplexity: the per-step metric named <c>perplexity…</c> averaged over the epoch, else the validation diagnostic <c>val_perplexity_theta2</c>; null without either.</summary>
    public double? Perplexity { get; init; }

    /// <summary>Wall time of the epoch's training steps and validation, in seconds.</summary>
    public required double EpochSeconds { get; init; }

    /// <summary>Training wall time of the run so far (all invocations), in seconds.</summary>
    public required double ElapsedSeconds { get; init; }

    /// <summary>Training throughput of the epoch, clips per second.</summary>
    public required double SequencesPerSecond { get; init; }

    /// <summary>True when the time budget cut the epoch short; a resumed run finishes it.</summary>
    public bool Partial { get; init; }
}
