using System.Text.Json.Nodes;
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
        int frames = ModelSpec.Frames, side = ModelSpec.Side;

        module.eval();
        var input = rand([InferenceBatch, frames, 1, side, side]);
        ProcessMemory.ResetPeak();
        var inference = Timing.Measure(options.Warmup, options.Reps, () =>
        {
            using var mode = inference_mode();
            using var scope = NewDisposeScope();
            _ = model.Forward(input).Prediction;
        });
        double inferencePeak = ProcessMemory.PeakMiB;

        module.train();
        var x = rand([TrainingBatch, frames, 1, side, side]);
        var y = rand([TrainingBatch, frames, 1, side, side]);
        using var adam = optim.Adam(module.parameters(), 1e-3);
        ProcessMemory.ResetPeak();
        var training = Timing.Measure(options.Warmup, options.Reps, () =>
        {
            using var scope = NewDisposeScope();
            adam.zero_grad();
            var output = model.Forward(x);
            var loss = nn.functional.l1_loss(output.Prediction, y) + output.AuxLoss;
            loss.backward();
            adam.step();
        });
        double trainingPeak = ProcessMemory.PeakMiB;

        return new JsonObject
        {
            ["size"] = spec.Size,
            ["model_type"] = spec.ModelType,
            ["quantizer"] = spec.Quantizer,
            ["threads"] = get_num_threads(),
            ["parameters"] = parameters,
            ["flops_per_sequence"] = flops,
            ["inference_seq_per_s"] = InferenceBatch / inference.Median,
            ["inference_gflops"] = flops * InferenceBatch / inference.Median / 1e9,
            ["training_seq_per_s"] = TrainingBatch / training.Median,
            // Backward costs about twice the forward, the usual 3x rule.
            ["training_gflops"] = 3 * flops * TrainingBatch / training.Median / 1e9,
            ["inference_peak_rss_mib"] = inferencePeak,
            ["training_peak_rss_mib"] = trainingPeak,
        };
    }
}
