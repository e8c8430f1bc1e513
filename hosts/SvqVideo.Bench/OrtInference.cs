using System.Text.Json.Nodes;
using SvqVideo.Hosting;

namespace SvqVideo.Bench;

/// <summary>
/// The ONNX Runtime side of the ONNX rows, measured in its own process that never touches TorchSharp (this file uses
/// no torch type, and Program dispatches here before libtorch starts): the <c>onnx</c> plugin from a folder holding
/// only it, a batch of 8 random contexts forecast one pass (unclipped) per timed repetition, peak RSS, and whether
/// any torch library ended up mapped.
/// </summary>
internal static class OrtInference
{
    public static JsonObject Measure(string modelPath, string pluginFolder, BenchOptions options)
    {
        using var catalog = PluginCatalog.Load(pluginFolder);
        using var predictor = catalog.CreatePredictor("onnx", new PredictorCreateOptions
        {
            CheckpointPath = modelPath,
            Device = "cpu",
            AdditionalProperties = new Dictionary<string, object?> { ["threads"] = options.Threads },
        });
        var m = predictor.Metadata;
        var random = new Random(0);
        var contexts = Enumerable.Range(0, ModelBench.InferenceBatch).Select(_ =>
        {
            var data = new float[m.FramesIn * m.Channels * m.Height * m.Width];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = random.NextSingle();
            }

            return new FrameClip(data, m.FramesIn, m.Channels, m.Height, m.Width);
        }).ToList();
        var onePass = new ForecastOptions { Frames = m.FramesIn, AdditionalProperties = new Dictionary<string, object?> { ["clip"] = false } };

        ProcessMemory.ResetPeak();
        var timing = Timing.Measure(options.Warmup, options.Reps, () => predictor.PredictBatch(contexts, onePass));
        double peak = ProcessMemory.PeakMiB;
        return new JsonObject
        {
            ["ort_inference_seq_per_s"] = ModelBench.InferenceBatch / timing.Median,
            ["ort_inference_peak_rss_mib"] = peak,
            ["ort_threads"] = options.Threads,
            ["ort_process_mapped_libtorch"] = File.Exists("/proc/self/maps") && File.ReadLines("/proc/self/maps").Any(l => l.Contains("libtorch", StringComparison.Ordinal)),
        };
    }
}
