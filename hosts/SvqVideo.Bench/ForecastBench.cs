using System.Diagnostics;
using System.Text.Json.Nodes;
using SvqVideo.Datasets.Video;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Bench;

/// <summary>
/// Forecast end to end, in process, on a generated 400-frame 64×64 RGB mp4 (mp4v): decode every frame as
/// gray 64×64 → forecast <see cref="Horizon"/> frames after the last 10 (TorchFramePredictor, autoregressive
/// rollout) → encode context and forecast to an mp4. The model (small gSTA + SVQ N = 1024, untrained:
/// the speed does not depend on the weights) is built before the clock starts.
/// </summary>
internal static class ForecastBench
{
    public const int ClipFrames = 400;
    public const int Horizon = 400;

    public static JsonObject Measure(BenchOptions options)
    {
        string dir = Directory.CreateTempSubdirectory("svqbench-").FullName;
        try
        {
            string input = Path.Combine(dir, "input.mp4");
            using (var writer = new VideoFileWriter(input, ModelSpec.Side, ModelSpec.Side, 3, 25))
            {
                for (int i = 0; i < ClipFrames; i++)
                {
                    var gray = SyntheticFrames.Frame(i);
                    var rgb = new float[gray.Length * 3];
                    for (int c = 0; c < 3; c++)
                    {
                        gray.CopyTo(rgb, c * gray.Length);
                    }

                    writer.Write(rgb);
                }

                writer.Complete();
            }

            manual_seed(0);
            using var predictor = new TorchFramePredictor(new ModelSpec("small", "gSTA", "svq-fast").Build(), CPU, "bench");
            string output = Path.Combine(dir, "output.mp4");
            double decode = 0, predict = 0, encode = 0;
            var total = Timing.Measure(options.Quick ? 0 : 1, Math.Min(options.Reps, 3), () =>
            {
                long t0 = Stopwatch.GetTimestamp();
                var clip = VideoFile.ReadAll(input, new VideoReadOptions { Channels = 1, Height = ModelSpec.Side, Width = ModelSpec.Side });
                long t1 = Stopwatch.GetTimestamp();
                var forecast = predictor.Predict(clip.Frames, new ForecastOptions { Frames = Horizon });
                long t2 = Stopwatch.GetTimestamp();
                using (var writer = new VideoFileWriter(output, ModelSpec.Side, ModelSpec.Side, 1, clip.Fps))
                {
                    writer.Write(clip.Frames);
                    writer.Write(forecast);
                    writer.Complete();
                }

                long t3 = Stopwatch.GetTimestamp();
                decode = Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
                predict = Stopwatch.GetElapsedTime(t1, t2).TotalSeconds;
                encode = Stopwatch.GetElapsedTime(t2, t3).TotalSeconds;
            });
            int framesOut = VideoFile.Probe(output).FrameCount;
            return new JsonObject
            {
                ["mode"] = "in-process (VideoFile -> TorchFramePredictor -> VideoFileWriter)",
                ["model"] = "small gSTA + svq-fast N=1024",
                ["input_frames"] = ClipFrames,
                ["forecast_frames"] = Horizon,
                ["output_frames"] = framesOut,
                ["threads"] = get_num_threads(),
                ["seconds"] = total.Median,
                ["input_frames_per_s"] = ClipFrames / total.Median,
                ["last_decode_seconds"] = decode,
                ["last_predict_seconds"] = predict,
                ["last_encode_seconds"] = encode,
            };
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
