using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace SvqVideo.Bench;

/// <summary>
/// What the SVQ fast path costs on top of the same model without a quantizer, measured in one process with
/// the two models' steps alternating (A, B, A, B, …) so that a shared machine's drifting speed hits both
/// alike. Each pair gives a ratio; the report holds the median ratio. Separate rows measured minutes apart
/// on a shared VM differ by ±20 %, which is more than the 10 % this measures.
/// </summary>
internal static class OverheadBench
{
    /// <summary>The (size, translator) pairs whose SVQ cost the report measures and the targets check.</summary>
    public static readonly (string Size, string ModelType)[] Configs = [("small", "gSTA"), ("mmnist", "gSTA")];

    public static JsonObject Measure(string size, string modelType, BenchOptions options)
    {
        var plainSpec = new ModelSpec(size, modelType, "none");
        var svqSpec = new ModelSpec(size, modelType, "svq-fast");
        manual_seed(0);
        using var plain = plainSpec.Build();
        manual_seed(0);
        using var svq = svqSpec.Build();

        double inference, training;
        using (var a = new ModelBench.InferenceStep(plain))
        using (var b = new ModelBench.InferenceStep(svq))
        {
            inference = MedianRatio(options, a.Run, b.Run);
        }

        using (var a = new ModelBench.TrainingStep(plain))
        using (var b = new ModelBench.TrainingStep(svq))
        {
            training = MedianRatio(options, a.Run, b.Run);
        }

        return new JsonObject
        {
            ["size"] = size,
            ["model_type"] = modelType,
            ["codes"] = svqSpec.SvqCodes,
            ["threads"] = get_num_threads(),
            ["pairs"] = options.Reps,
            ["inference_overhead_percent"] = 100 * (inference - 1),
            ["training_overhead_percent"] = 100 * (training - 1),
        };
    }

    /// <summary>Median over alternating pairs of (time of <paramref name="b"/>) / (time of <paramref name="a"/>), after warm-up of both.</summary>
    private static double MedianRatio(BenchOptions options, Action a, Action b)
    {
        for (int i = 0; i < options.Warmup; i++)
        {
            a();
            b();
        }

        var ratios = new double[options.Reps];
        for (int i = 0; i < ratios.Length; i++)
        {
            double ta = Timing.Seconds(a), tb = Timing.Seconds(b);
            ratios[i] = tb / ta;
        }

        return new Samples(ratios).Median;
    }
}
