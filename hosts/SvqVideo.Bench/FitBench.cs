using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SvqVideo.Datasets.Video;
using SvqVideo.Metrics;
using static TorchSharp.torch;

namespace SvqVideo.Bench;

/// <summary>
/// `svqvideo forecast --fit` judged as a user meets it (issue #13): for each kind of <see cref="FitClips"/>, the first
/// <see cref="BenchOptions.FitFrames"/> frames (200 unless <c>--fit-frames</c>) are written to a video (Motion JPEG .avi, any size), the CLI fits on it and forecasts
/// <see cref="Horizon"/> frames, and the forecast is scored on 8-bit luma against the frames that really came next, next
/// to copying the last input frame and a blank frame. The CLI runs as its own process (built CLI and plugins of this
/// checkout) and its wall time is measured end to end.
/// </summary>
internal static class FitBench
{
    public const int Horizon = 10;

    public static JsonObject Measure(string kind, string budget, bool? residual, string? size, BenchOptions options)
    {
        var (width, height, channels) = FitClips.Shape(kind);
        int inputFrames = options.FitFrames;
        var frames = FitClips.Generate(kind, inputFrames + Horizon);
        string dir = Directory.CreateTempSubdirectory("svqbench-fit-").FullName;
        try
        {
            string input = Path.Combine(dir, $"{kind}.avi");
            using (var writer = new VideoFileWriter(input, width, height, channels, 25))
            {
                foreach (var f in frames.Take(inputFrames))
                {
                    writer.Write(f);
                }

                writer.Complete();
            }

            string output = Path.Combine(dir, "forecast.avi");
            string fitted = Path.Combine(dir, "fitted.safetensors");
            var args = new List<string> { "forecast", "--input", input, "--output", output, "--fit", budget, "--frames", Horizon.ToString(CultureInfo.InvariantCulture), "--json", "--threads", options.Threads.ToString(CultureInfo.InvariantCulture), "--save-checkpoint", fitted };
            if (residual is bool r)
            {
                args.AddRange(["--residual", r ? "true" : "false"]);
            }

            if (size is not null)
            {
                args.AddRange(["--size", size]);
            }

            args.AddRange(options.FitArgs);
            var (seconds, stdout) = RunCli(args);
            var truth = frames.Skip(inputFrames).Select(f => Luma(f, channels, width * height)).ToList();
            var context = VideoFile.ReadAll(input, new VideoReadOptions { Channels = 1 }).Frames;
            var last = context.Frame(context.Frames - 1).ToArray();
            float mean = last.Average();
            var flat = Enumerable.Repeat(mean, last.Length).ToArray();
            double model = Score(output, truth);
            double copy = truth.Average(t => Mse(last, t)), blank = truth.Average(t => Mse(flat, t));
            // SSIM on the same 8-bit luma, which unlike MSE tells a sharp forecast from a blurred one.
            double ssimModel = Ssim(Forecast(output), truth, height), ssimCopy = Ssim(Enumerable.Repeat(last, Horizon).ToList(), truth, height);

            // The same fitted network without the damping (a checkpoint holds the network only), scored alike: the
            // damping's own effect, free of the run-to-run spread of fits.
            double? undamped = null;
            var fit = JsonNode.Parse(stdout)?["fit"];
            if (fit?["damping"] is JsonArray && File.Exists(fitted))
            {
                string plain = Path.Combine(dir, "undamped.avi");
                RunCli(["forecast", "--input", input, "--output", plain, "--checkpoint", fitted, "--frames", Horizon.ToString(CultureInfo.InvariantCulture), "--json", "--threads", options.Threads.ToString(CultureInfo.InvariantCulture)]);
                undamped = Score(plain, truth);
            }

            // The same fitted network written at the clip's own size by moving the full-size frame along its flow
            // (--full-size motion) instead of the default frame-difference rule: the rule's own effect, paired.
            double? motionRule = null, ssimMotionRule = null;
            if (fit?["warp"]?.GetValue<bool>() == true && File.Exists(fitted) && fit?["size"]?.GetValue<string>() != $"{width}x{height}")
            {
                string moved = Path.Combine(dir, "motion-rule.avi");
                RunCli(["forecast", "--input", input, "--output", moved, "--checkpoint", fitted, "--frames", Horizon.ToString(CultureInfo.InvariantCulture), "--json", "--full-size", "motion", "--threads", options.Threads.ToString(CultureInfo.InvariantCulture)]);
                motionRule = Score(moved, truth);
                ssimMotionRule = Ssim(Forecast(moved), truth, height);
            }

            return new JsonObject
            {
                ["kind"] = kind,
                ["width"] = width,
                ["height"] = height,
                ["channels"] = channels,
                ["fit"] = budget,
                ["input_frames"] = inputFrames,
                ["fit_window"] = fit?["window"]?["frames"]?.DeepClone(),
                ["extra_args"] = options.FitArgs.Count == 0 ? null : string.Join(' ', options.FitArgs),
                ["residual"] = fit?["residual"]?.DeepClone(),
                ["warp"] = fit?["warp"]?.DeepClone(),
                ["flow_prior"] = fit?["flow_prior"]?.DeepClone(),
                ["flow_prior_check"] = fit?["flow_prior_check"]?.DeepClone(),
                ["model_size"] = fit?["size"]?.DeepClone(),
                ["steps"] = fit?["steps"]?.DeepClone(),
                ["wall_seconds"] = seconds,
                ["mse_model"] = model,
                ["mse_copy_last_frame"] = copy,
                ["mse_blank_frame"] = blank,
                ["ratio_to_copy_last"] = model / copy,
                ["damping"] = fit?["damping"]?.DeepClone(),
                ["mse_model_undamped"] = undamped,
                ["ratio_undamped_to_copy_last"] = undamped / copy,
                ["full_size"] = JsonNode.Parse(stdout)?["full_size"]?.DeepClone(),
                ["mse_model_motion_rule"] = motionRule,
                ["ratio_motion_rule_to_copy_last"] = motionRule / copy,
                ["ssim_model"] = ssimModel,
                ["ssim_copy_last_frame"] = ssimCopy,
                ["ssim_model_motion_rule"] = ssimMotionRule,
            };
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Mean over the forecast frames (the last <see cref="Horizon"/> of the video at <paramref name="path"/>) of their luma MSE against <paramref name="truth"/>.</summary>
    private static double Score(string path, List<float[]> truth)
    {
        var forecast = Forecast(path);
        return Enumerable.Range(0, Horizon).Average(t => Mse(forecast[t], truth[t]));
    }

    /// <summary>The last <see cref="Horizon"/> frames of the video at <paramref name="path"/>, as luma in [0, 1].</summary>
    private static List<float[]> Forecast(string path)
    {
        var video = VideoFile.ReadAll(path, new VideoReadOptions { Channels = 1 }).Frames;
        return [.. Enumerable.Range(video.Frames - Horizon, Horizon).Select(t => video.Frame(t).ToArray())];
    }

    /// <summary>Mean SSIM (OpenSTL's definition) of 8-bit luma frames given in [0, 1] against <paramref name="truth"/>.</summary>
    private static double Ssim(List<float[]> frames, List<float[]> truth, int h)
    {
        int w = truth[0].Length / h;
        using var scope = NewDisposeScope();
        var pred = tensor(frames.SelectMany(f => f.Select(v => (float)(Math.Round(v * 255) / 255))).ToArray(), [1, frames.Count, 1, h, w]);
        var target = tensor(truth.SelectMany(f => f.Select(v => (float)(Math.Round(v * 255) / 255))).ToArray(), [1, truth.Count, 1, h, w]);
        return FrameMetrics.Ssim(pred, target).mean().to(float64).item<double>();
    }

    /// <summary>Per-pixel MSE of two 8-bit luma frames given in [0, 1], on the 0–255 scale.</summary>
    private static double Mse(ReadOnlySpan<float> a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < b.Length; i++)
        {
            double d = (Math.Round(a[i] * 255) - Math.Round(b[i] * 255));
            sum += d * d;
        }

        return sum / b.Length;
    }

    /// <summary>BT.601 luma (what OpenCV's gray conversion computes) of a C×H×W frame.</summary>
    private static float[] Luma(float[] frame, int channels, int plane)
    {
        if (channels == 1)
        {
            return frame;
        }

        var y = new float[plane];
        for (int i = 0; i < plane; i++)
        {
            y[i] = (0.299f * frame[i]) + (0.587f * frame[plane + i]) + (0.114f * frame[(2 * plane) + i]);
        }

        return y;
    }

    internal static (double Seconds, string Stdout) RunCli(IEnumerable<string> args)
    {
        string root = RepositoryRoot();
        string cli = Path.Combine(root, "hosts", "SvqVideo.Cli", "bin", "Release", "net10.0", "svqvideo.dll");
        if (!File.Exists(cli))
        {
            throw new FileNotFoundException($"the CLI is not built: {cli} (run scripts/build.sh)");
        }

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(cli);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["SVQVIDEO_PLUGINS"] = Path.Combine(root, "artifacts", "plugins");
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the CLI");
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"svqvideo {string.Join(' ', args)} exited with {process.ExitCode}");
        }

        return (clock.Elapsed.TotalSeconds, stdout);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SvqVideo.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository (SvqVideo.sln) above " + AppContext.BaseDirectory);
    }
}
