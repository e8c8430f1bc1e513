using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Training.Tests.StandIns;

/// <summary>Small, fast runs of the trainer on the stand-ins (CPU, 2 threads).</summary>
internal static class Runs
{
    public static TrainingOptions Options(string? folder = null) => new()
    {
        Epochs = 4,
        BatchSize = 8,
        LearningRate = 3e-3,
        Schedule = ScheduleKind.OneCycle,
        NoiseFraction = 0.1,
        EarlyStoppingPatience = 0,
        Seed = 7,
        Threads = 2,
        Device = "cpu",
        CheckpointDirectory = folder,
    };

    /// <summary>Seeds torch, then builds the model, so its initial weights depend only on <paramref name="seed"/>.</summary>
    public static TinyForecastModel NewModel(long seed, bool withQuantizer = false)
    {
        Trainer.SeedTorch(seed);
        var config = TinyForecastModel.DefaultConfig();
        return new TinyForecastModel(config, withQuantizer ? new TinyQuantizer(config.GetInt("hidden", 8)) : null);
    }

    public static MovingSquares TrainSet() => new(64, seed: 1);

    public static MovingSquares ValidationSet() => new(24, seed: 2);

    /// <summary>Collects every event a run reports.</summary>
    public sealed class Recorder(Action<TrainingProgress>? also = null) : IProgress<TrainingProgress>
    {
        public List<StepProgress> Steps { get; } = [];

        public List<EpochSummary> Epochs { get; } = [];

        public void Report(TrainingProgress value)
        {
            if (value is StepProgress s)
            {
                Steps.Add(s);
            }
            else if (value is EpochSummary e)
            {
                Epochs.Add(e);
            }

            also?.Invoke(value);
        }
    }

    /// <summary>A detached CPU copy of every state-dict tensor.</summary>
    public static Dictionary<string, Tensor> Snapshot(IForecastModel model) =>
        model.Module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().clone());

    /// <summary>True when both snapshots hold bitwise-equal tensors under the same keys.</summary>
    public static bool Identical(Dictionary<string, Tensor> a, Dictionary<string, Tensor> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && Same(kv.Value, other));

    /// <summary>True when both tensors have the same shape and bitwise-equal elements.</summary>
    public static bool Same(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape))
        {
            return false;
        }

        using var equal = a.eq(b).all();
        return equal.item<bool>();
    }
}
