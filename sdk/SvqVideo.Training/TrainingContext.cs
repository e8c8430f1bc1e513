using SvqVideo.Datasets;
using SvqVideo.Torch;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Training;

/// <summary>What one invocation of <see cref="Trainer.Train"/> works with: set up once, read by its parts.</summary>
internal sealed record TrainingContext
{
    public required IForecastModel Model { get; init; }

    public required IClipDataset Train { get; init; }

    public required IClipDataset? Validation { get; init; }

    public required TrainingOptions Options { get; init; }

    public required Device Device { get; init; }

    public required OptimizerHelper Optimizer { get; init; }

    /// <summary>The trainable parameters and their state-dict names, in the same order.</summary>
    public required IReadOnlyList<Parameter> Parameters { get; init; }

    public required IReadOnlyList<string> ParameterNames { get; init; }

    public required LearningRateSchedule Schedule { get; init; }

    /// <summary>The noise-injection generator (its state is part of a checkpoint).</summary>
    public required Generator Noise { get; init; }

    /// <summary>The checkpoint folder, or null to write nothing.</summary>
    public required string? Folder { get; init; }

    public required IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>The clock of budgets, ETAs and timings (a fake one in tests).</summary>
    public required TimeProvider Time { get; init; }

    /// <summary>When this invocation started, in <see cref="Time"/>'s timestamps.</summary>
    public required long Started { get; init; }

    /// <summary>Threads of the backward pass (<see cref="BackwardPass"/>).</summary>
    public required int BackwardThreads { get; init; }

    /// <summary>Wall time since <see cref="Started"/>.</summary>
    public TimeSpan Elapsed => Time.GetElapsedTime(Started);
}
