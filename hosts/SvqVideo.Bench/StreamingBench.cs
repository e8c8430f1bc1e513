using System.Diagnostics;
using System.Text.Json.Nodes;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Bench;

/// <summary>
/// Streams frames through <see cref="ForecastSession"/> over a small gSTA + SVQ (N = 1024) predictor: every
/// frame is pushed, and every <see cref="ForecastEvery"/>-th frame a 10-frame forecast is made. Resident
/// memory is read after the first forecast (start, once the runtime is warm) and after the last (end).
/// </summary>
internal static class StreamingBench
{
    public const int ForecastEvery = 10;

    public static JsonObject Measure(BenchOptions options)
    {
        int frames = options.StreamFrames;
        manual_seed(0);
        using var predictor = new TorchFramePredictor(new ModelSpec("small", "gSTA", "svq-fast").Build(), CPU, "bench");
        using var session = new ForecastSession(predictor);
        var source = Enumerable.Range(0, 64).Select(i => SyntheticFrames.Frame(i)).ToArray();
        double start = double.NaN, peak = 0;
        int forecasts = 0;
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < frames; i++)
        {
            session.Push(source[i % source.Length]);
            if (session.IsReady && (i + 1) % ForecastEvery == 0)
            {
                _ = session.Forecast(ModelSpec.Frames);
                forecasts++;
                double rss = ProcessMemory.CurrentMiB;
                peak = Math.Max(peak, rss);
                if (double.IsNaN(start))
                {
                    start = rss;
                }
            }
        }

        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        double end = ProcessMemory.CurrentMiB;
        return new JsonObject
        {
            ["frames"] = frames,
            ["forecasts"] = forecasts,
            ["threads"] = get_num_threads(),
            ["seconds"] = seconds,
            ["frames_per_s"] = frames / seconds,
            ["rss_start_mib"] = start,
            ["rss_end_mib"] = end,
            ["rss_max_mib"] = peak,
            ["rss_growth_percent"] = 100 * (end - start) / start,
        };
    }
}
