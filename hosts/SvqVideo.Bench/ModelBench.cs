using System.Text.Json.Nodes;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Bench;

/// <summary>
/// One model measured in its own process: parameters, forward FLOPs per sequence, inference
/// (batch 8, eval, inference mode) and training (batch 4, Adam, L1 + aux loss, forward + backward + step)
/// sequences per second, and the resident-memory peak of each phase.
/// </summary>
internal static class ModelBench
{
    public const int InferenceBatch = 8;
    public const int TrainingBatch = 4;

    public static JsonObject Measure(ModelSpec spec, BenchOptions options)
    {
        manual_seed(0);
        using var model = spec.Build();
        var module = model.Module;
        long parameters = module.parameters().Sum(p => p.numel());
        double flops = FlopCounter.PerSequence(model, spec);

        using var inferenceStep = new InferenceStep(model);
        double gemmBefore = MachineLimit.GemmGflops(options);
        ProcessMemory.ResetPeak();
        var inference = Timing.Measure(options.Warmup, options.Reps, inferenceStep.Run);
        double inferencePeak = ProcessMemory.PeakMiB;
        double gemmAfter = MachineLimit.GemmGflops(options);

        using var trainingStep = new TrainingStep(model);
        ProcessMemory.ResetPeak();
        var training = Timing.Measure(options.Warmup, options.Reps, trainingStep.Run);
        double trainingPeak = ProcessMemory.PeakMiB;

        return new JsonObject
        {
            ["size"] = spec.Size,
            ["model_type"] = spec.ModelType,
            ["quantizer"] = spec.Quantizer,
            ["threads"] = get_num_threads(),
            // Training measures what users get: the backward pass on one thread where it is faulty (BackwardPass).
            ["backward_threads"] = BackwardPass.ThreadsFor(CPU),
            ["parameters"] = parameters,
            ["flops_per_sequence"] = flops,
            ["inference_seq_per_s"] = InferenceBatch / inference.Median,
            ["inference_gflops"] = flops * InferenceBatch / inference.Median / 1e9,
            // The machine's GEMM rate just before and after the inference timing, in this process: the
            // fraction that matters is against the speed the machine had at that moment.
            ["gemm_gflops_around_inference"] = (gemmBefore + gemmAfter) / 2,
            ["training_seq_per_s"] = TrainingBatch / training.Median,
            // Backward costs about twice the forward, the usual 3x rule.
            ["training_gflops"] = 3 * flops * TrainingBatch / training.Median / 1e9,
            ["inference_peak_rss_mib"] = inferencePeak,
            ["training_peak_rss_mib"] = trainingPeak,
        };
    }

    /// <summary>One inference batch (8 random sequences, eval mode, inference mode) of a model.</summary>
    internal sealed class InferenceStep : IDisposable
    {
        private readonly IForecastModel _model;
        private readonly Tensor _input;

        public InferenceStep(IForecastModel model)
        {
            _model = model;
            _input = rand([InferenceBatch, ModelSpec.Frames, 1, ModelSpec.Side, ModelSpec.Side]);
        }

        public void Run()
        {
            _model.Module.eval();
            using var mode = inference_mode();
            using var scope = NewDisposeScope();
            _ = _model.Forward(_input).Prediction;
        }

        public void Dispose() => _input.Dispose();
    }

    /// <summary>One training step (4 random sequences, train mode, Adam lr 1e-3, L1 + the quantizer's aux loss) of a model.</summary>
    internal sealed class TrainingStep : IDisposable
    {
        private readonly IForecastModel _model;
        private readonly Tensor _x;
        private readonly Tensor _y;
        private readonly optim.Optimizer _adam;

        public TrainingStep(IForecastModel model)
        {
            _model = model;
            _x = rand([TrainingBatch, ModelSpec.Frames, 1, ModelSpec.Side, ModelSpec.Side]);
            _y = rand([TrainingBatch, ModelSpec.Frames, 1, ModelSpec.Side, ModelSpec.Side]);
            _adam = optim.Adam(model.Module.parameters(), 1e-3);
        }

        public void Run()
        {
            _model.Module.train();
            using var scope = NewDisposeScope();
            _adam.zero_grad();
            var output = _model.Forward(_x);
            var loss = nn.functional.l1_loss(output.Prediction, _y) + output.AuxLoss;
            BackwardPass.Run(loss, BackwardPass.ThreadsFor(CPU));
            _adam.step();
        }

        public void Dispose()
        {
            _adam.Dispose();
            _x.Dispose();
            _y.Dispose();
        }
    }
}
