using System.Diagnostics;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace SvqVideo.Bench;

/// <summary>
/// Where an inference batch's time goes: the SimVP stages (encoder, quantizer, each translator block,
/// decoder) run one after another on the shapes the model itself uses, each timed on its own (median of the
/// repetitions, after warm-up). Found through the model's module tree (<c>enc</c>, <c>vq</c>,
/// <c>hid.enc.{j}</c>, <c>dec</c>), so it needs no access to the plugin's internals. A diagnostic
/// (<c>--child profile SIZE TYPE QUANTIZER</c>), not part of the report. Reports wall seconds and the
/// process's CPU seconds per stage: with <c>--threads 1</c> on a busy machine the CPU seconds are the
/// stage's own work, the wall seconds include waiting for a core.
/// </summary>
internal static class ProfileBench
{
    public static JsonObject Measure(ModelSpec spec, BenchOptions options)
    {
        manual_seed(0);
        using var model = spec.Build();
        var module = model.Module;
        module.eval();
        var children = module.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        var encoder = (nn.Module<Tensor, (Tensor Latent, Tensor Enc1)>)children["enc"];
        var translator = children["hid"];
        var decoder = (nn.Module<Tensor, Tensor, Tensor>)children["dec"];
        var blocks = translator.named_children().Single().module.named_children()
            .Select(c => (c.name, (nn.Module<Tensor, Tensor>)c.module)).ToList();

        int b = ModelBench.InferenceBatch, t = ModelSpec.Frames;
        using var mode = inference_mode();
        using var input = rand([b * t, 1, ModelSpec.Side, ModelSpec.Side]);
        var stages = new JsonObject();
        var cpuStages = new JsonObject();
        double total = 0;
        void Stage(string name, Func<Tensor> run)
        {
            var cpu = new List<double>();
            var seconds = Timing.Measure(options.Warmup, options.Reps, () =>
            {
                using var scope = NewDisposeScope();
                var before = Process.GetCurrentProcess().TotalProcessorTime;
                _ = run();
                cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - before).TotalSeconds);
            }).Median;
            stages[name] = seconds;
            cpuStages[name] = new Samples(cpu.Skip(options.Warmup).ToArray()).Median;
            total += seconds;
        }

        var (latent, enc1) = encoder.forward(input);
        Stage("encoder", () => encoder.forward(input).Latent);
        if (model.Quantizer is { } quantizer)
        {
            Stage("quantizer", () => quantizer.Quantize(latent).Quantized);
        }

        long hidS = latent.shape[1], h = latent.shape[2], w = latent.shape[3];
        var z = latent.reshape(b, t * hidS, h, w);
        foreach (var (name, block) in blocks)
        {
            var blockInput = z;
            Stage($"translator block {name}", () => block.forward(blockInput));
            z = block.forward(blockInput);
        }

        var decoderInput = z.reshape(b * t, hidS, h, w);
        Stage("decoder", () => decoder.forward(decoderInput, enc1));

        var whole = Timing.Measure(options.Warmup, options.Reps, () =>
        {
            using var scope = NewDisposeScope();
            _ = model.Forward(input.reshape(b, t, 1, ModelSpec.Side, ModelSpec.Side)).Prediction;
        }).Median;
        return new JsonObject
        {
            ["model"] = spec.Label,
            ["threads"] = get_num_threads(),
            ["batch"] = b,
            ["stage_seconds"] = stages,
            ["stage_cpu_seconds"] = cpuStages,
            ["sum_of_stages_seconds"] = total,
            ["whole_forward_seconds"] = whole,
        };
    }
}
