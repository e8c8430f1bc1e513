namespace SvqVideo.Training;

/// <summary>One invocation of the trainer within a run (the first, or a resume), as logged.</summary>
internal sealed record TrainingSession
{
    public DateTimeOffset StartedUtc { get; init; }

    public int StartEpoch { get; init; }

    public int StartStepInEpoch { get; init; }

    public string Device { get; init; } = "";

    public int Threads { get; init; }

    /// <summary>Threads of the backward pass (see <see cref="SvqVideo.Torch.BackwardPass"/>); 0 in logs written before it was recorded.</summary>
    public int BackwardThreads { get; init; }

    public string SdkVersion { get; init; } = "";

    public string? TorchSharpVersion { get; init; }
}
