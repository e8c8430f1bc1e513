using SvqVideo.Datasets;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Training;

/// <summary>
/// One optimisation step with the NaN guard: forward (autoregressive past one pass), loss, backward on the safe
/// number of threads, clipping, and the update only when the loss and the gradient norm are finite. When they
/// are not, the update is skipped and the floating-point buffers the forward pass changed (BatchNorm statistics,
/// EMA codebooks) are put back, so the model keeps the weights of the last good step.
/// </summary>
internal sealed class TrainingStep(TrainingContext run)
{
    private readonly List<Tensor> _buffers = run.Model.Module.buffers().Where(b => b.is_floating_point()).ToList();

    /// <summary>The loss and gradient norm of a step; the update was applied exactly when both are finite.</summary>
    public readonly record struct Outcome(double Loss, double GradientNorm)
    {
        public bool Finite => double.IsFinite(Loss) && double.IsFinite(GradientNorm);
    }

    /// <summary>True when every parameter and floating-point buffer is finite (what a checkpoint may hold).</summary>
    public bool StateIsFinite => run.Parameters.All(Checkpoint.AllFinite) && _buffers.All(Checkpoint.AllFinite);

    /// <summary>Runs one step at learning rate <paramref name="lr"/> (and β₁ when given); adds the quantizer's metrics to <paramref name="metricSums"/> when applied.</summary>
    public Outcome Run(ClipBatch batch, double lr, double? beta1, Dictionary<string, double> metricSums)
    {
        SetLearningRate(lr, beta1);
        using var scope = NewDisposeScope();
        var buffersBefore = _buffers.Select(b => b.detach().clone()).ToList();
        var (x, y) = Evaluation.ToTensors(batch, run.Train.FramesIn);
        var clean = x;
        if (run.Options.NoiseFraction > 0)
        {
            x = NoiseInjection.Apply(x, run.Options.NoiseFraction, run.Noise);
        }

        x = x.to(run.Device);
        y = y.to(run.Device);
        // The loss's last context frame is the one without injected noise (the same tensor when there is none).
        clean = run.Options.NoiseFraction > 0 ? clean.to(run.Device) : x;
        var (prediction, aux, metrics) = ForecastRollout.Run(run.Model, x, (int)y.shape[1], quantizerMetrics: true);
        var loss = ForecastPass.Loss(run.Options, prediction, y, clean).add(aux);
        run.Optimizer.zero_grad();
        BackwardPass.Run(loss, run.BackwardThreads);
        var outcome = new Outcome(loss.item<float>(), run.Options.GradientClipNorm > 0
            ? nn.utils.clip_grad_norm_(run.Parameters, run.Options.GradientClipNorm)
            : GradientNorm());
        if (!outcome.Finite)
        {
            using var noGrad = no_grad();
            for (int i = 0; i < _buffers.Count; i++)
            {
                _buffers[i].copy_(buffersBefore[i]);
            }

            return outcome;
        }

        run.Optimizer.step();
        foreach (var (name, value) in metrics)
        {
            metricSums[name] = metricSums.GetValueOrDefault(name) + value;
        }

        return outcome;
    }

    /// <summary>The global L2 norm of the parameters' gradients (what clipping would measure).</summary>
    private double GradientNorm()
    {
        using var scope = NewDisposeScope();
        var squares = run.Parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!.square().sum()).ToList();
        return squares.Count == 0 ? 0 : stack(squares).sum().sqrt().item<float>();
    }

    private void SetLearningRate(double lr, double? beta1)
    {
        // Set per parameter group: the optimizer-level Betas property changes only the defaults for groups added later.
        foreach (var group in run.Optimizer.ParamGroups)
        {
            group.LearningRate = lr;
            if (beta1 is double b && group is optim.IBetas betas)
            {
                betas.Betas = (b, betas.Betas.Item2);
            }
        }
    }
}
