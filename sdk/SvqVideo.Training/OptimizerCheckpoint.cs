using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Training;

/// <summary>
/// Adam/AdamW state as named checkpoint tensors, one set per trainable parameter:
/// <c>optim.exp_avg.&lt;param&gt;</c>, <c>optim.exp_avg_sq.&lt;param&gt;</c> (float, the parameter's shape) and
/// <c>optim.step.&lt;param&gt;</c> (int64 scalar). Unlike TorchSharp's binary optimizer stream, which can
/// only be read into CPU tensors, this loads with <c>copy_</c> into state on any device. The
/// learning rate and β₁ are not stored: the schedule sets them before every step.
/// </summary>
internal static class OptimizerCheckpoint
{
    public const string Prefix = "optim.";

    /// <summary>The state tensors (live; the checkpoint writer copies them) of <paramref name="optimizer"/>, whose parameters are <paramref name="names"/> in order.</summary>
    public static IEnumerable<KeyValuePair<string, Tensor>> Save(OptimizerHelper optimizer, IReadOnlyList<string> names)
    {
        var states = States(optimizer, names);
        for (int i = 0; i < names.Count; i++)
        {
            var (step, avg, avgSq) = states[i];
            yield return new($"{Prefix}exp_avg.{names[i]}", avg);
            yield return new($"{Prefix}exp_avg_sq.{names[i]}", avgSq);
            yield return new($"{Prefix}step.{names[i]}", tensor(step));
        }
    }

    /// <summary>Copies saved state into <paramref name="optimizer"/>.</summary>
    /// <exception cref="InvalidDataException">A tensor is missing or has another shape (the message names it).</exception>
    public static void Load(OptimizerHelper optimizer, IReadOnlyList<string> names, IReadOnlyDictionary<string, Tensor> tensors, string path)
    {
        var sd = optimizer.state_dict();
        using var _ = no_grad();
        for (int i = 0; i < names.Count; i++)
        {
            var avg = Get(tensors, $"{Prefix}exp_avg.{names[i]}", path);
            var avgSq = Get(tensors, $"{Prefix}exp_avg_sq.{names[i]}", path);
            long step = Get(tensors, $"{Prefix}step.{names[i]}", path).item<long>();
            switch (sd.State[i])
            {
                case Adam.State adam:
                    Copy(adam.exp_avg, avg, names[i], path);
                    Copy(adam.exp_avg_sq, avgSq, names[i], path);
                    adam.step = step;
                    break;
                case AdamW.State adamw:
                    Copy(adamw.exp_avg, avg, names[i], path);
                    Copy(adamw.exp_avg_sq, avgSq, names[i], path);
                    adamw.step = step;
                    break;
                default:
                    throw new NotSupportedException($"cannot restore the state of optimizer {optimizer.GetType().Name}");
            }
        }
    }

    private static List<(long Step, Tensor ExpAvg, Tensor ExpAvgSq)> States(OptimizerHelper optimizer, IReadOnlyList<string> names)
    {
        var states = optimizer.state_dict().State;
        if (states.Count != names.Count)
        {
            throw new InvalidOperationException($"the optimizer holds {states.Count} parameter states but the model has {names.Count} trainable parameters");
        }

        return states.Select(s => s switch
        {
            Adam.State adam => (adam.step, adam.exp_avg, adam.exp_avg_sq),
            AdamW.State adamw => (adamw.step, adamw.exp_avg, adamw.exp_avg_sq),
            _ => throw new NotSupportedException($"cannot save the state of optimizer {optimizer.GetType().Name}"),
        }).ToList();
    }

    private static Tensor Get(IReadOnlyDictionary<string, Tensor> tensors, string key, string path) =>
        tensors.TryGetValue(key, out var t) ? t : throw new InvalidDataException($"{path}: the checkpoint has no '{key}' tensor, so the optimizer cannot be resumed");

    private static void Copy(Tensor target, Tensor source, string name, string path)
    {
        if (!target.shape.SequenceEqual(source.shape))
        {
            throw new InvalidDataException($"{path}: optimizer state for '{name}' has shape [{string.Join(",", source.shape)}], the parameter has [{string.Join(",", target.shape)}]");
        }

        target.copy_(source);
    }
}
