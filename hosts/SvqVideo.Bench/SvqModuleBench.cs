using System.Text.Json.Nodes;
using SvqVideo.Plugins.Svq;
using static TorchSharp.torch;

namespace SvqVideo.Bench;

/// <summary>
/// The SVQ module alone on one KTH-size sample: 40,960 tokens (latents 40×64×32×32), C' = 64, codebook N,
/// fast (factored) or explicit path; forward and forward + backward (loss = Σ|output|) seconds and the
/// resident peak. One path per process so that the peak is that path's own.
/// </summary>
internal static class SvqModuleBench
{
    public const int Dimension = 64;
    public static readonly long[] LatentShape = [40, Dimension, 32, 32];
    public static readonly int[] Codebooks = [6000, 10000];

    public static JsonObject Measure(int codes, bool fast, BenchOptions options)
    {
        manual_seed(0);
        var factory = new SvqQuantizerFactory();
        using var quantizer = factory.Create((factory.DefaultOptions(Dimension) with { CodebookSize = codes }).With("fast_path", fast));
        var module = quantizer.Module;
        module.train();
        var latents = randn(LatentShape).requires_grad_(true);
        double idle = ProcessMemory.CurrentMiB;
        ProcessMemory.ResetPeak();
        var forward = Timing.Measure(options.Warmup, options.Reps, () =>
        {
            using var scope = NewDisposeScope();
            _ = quantizer.Quantize(latents).Quantized;
        });
        var both = Timing.Measure(options.Warmup, options.Reps, () =>
        {
            using var scope = NewDisposeScope();
            module.zero_grad();
            latents.grad?.zero_();
            quantizer.Quantize(latents).Quantized.abs().sum().backward();
        });
        return new JsonObject
        {
            ["codes"] = codes,
            ["path"] = fast ? "fast" : "explicit",
            ["tokens"] = LatentShape[0] * LatentShape[2] * LatentShape[3],
            ["threads"] = get_num_threads(),
            ["forward_seconds"] = forward.Median,
            ["forward_backward_seconds"] = both.Median,
            ["rss_before_mib"] = idle,
            ["peak_rss_mib"] = ProcessMemory.PeakMiB,
            ["peak_over_start_mib"] = ProcessMemory.PeakMiB - idle,
        };
    }
}
