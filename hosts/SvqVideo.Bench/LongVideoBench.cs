using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using SvqVideo.Datasets.Video;

namespace SvqVideo.Bench;

/// <summary>
/// `forecast` on the videos users have (issue #30): ffmpeg's <c>testsrc2</c> at 1280×720 and 1920×1080, 30 fps, 20 s,
/// 60 s and 10 min, H.264. For each, the CLI fits (<c>--fit</c>, the fit budget) and forecasts the last
/// <see cref="Horizon"/> frames from the frames before them (<c>--context-end</c>), then forecasts the same frames from
/// the fitted checkpoint (<c>--checkpoint</c>). Each CLI process is measured on its own: its peak resident memory as the
/// kernel accounts it (getrusage of the waited-for child) and its wall time; its forecast is scored on 8-bit luma at the
/// video's own size against the frames that really came next, next to copying the last context frame and a blank frame.
/// </summary>
internal static class LongVideoBench
{
    public const int Horizon = 10;
    private const double Fps = 30;

    public static JsonArray Run(BenchOptions options, TextWriter log)
    {
        var rows = new JsonArray();
        Directory.CreateDirectory(options.VideoDir);
        foreach (string size in options.LongSizes)
        {
            foreach (int seconds in options.LongSeconds)
            {
                string video = Path.Combine(options.VideoDir, $"testsrc2-{size}-{seconds}s.mp4");
                if (!File.Exists(video))
                {
                    log.WriteLine($"long-video: generating {video} with ffmpeg ...");
                    Generate(video, size, seconds);
                }

                string checkpoint = Path.Combine(options.VideoDir, $"fitted-{size}-{seconds}s.safetensors");
                log.WriteLine($"long-video: forecast --fit {options.FitBudget} on {size}, {seconds} s ...");
                rows.Add(ChildProcess.Run(options, "long-video", "fit", video, options.FitBudget, checkpoint));
                log.WriteLine($"long-video: forecast --checkpoint on {size}, {seconds} s ...");
                rows.Add(ChildProcess.Run(options, "long-video", "checkpoint", video, options.FitBudget, checkpoint));
            }
        }

        return rows;
    }

    /// <summary>One CLI run (in this measurement process, whose only child it is) and its score.</summary>
    public static JsonObject Measure(string mode, string video, string budget, string checkpoint, BenchOptions options)
    {
        int frames;
        using (var probe = VideoFrameReader.Open(video))
        {
            frames = probe.ReportedFrameCount;
        }

        int end = frames - Horizon;
        string output = Path.Combine(Path.GetDirectoryName(checkpoint)!, $"forecast-{mode}-{Path.GetFileNameWithoutExtension(video)}.mp4");
        var args = new List<string> { "forecast", "--input", video, "--output", output, "--context-end", end.ToString(CultureInfo.InvariantCulture), "--frames", Horizon.ToString(CultureInfo.InvariantCulture), "--json", "--threads", options.Threads.ToString(CultureInfo.InvariantCulture) };
        args.AddRange(mode == "fit" ? ["--fit", budget, "--save-checkpoint", checkpoint] : ["--checkpoint", checkpoint]);
        var (wall, stdout) = FitBench.RunCli(args);
        double peakMiB = ChildrenPeakKiB() / 1024.0;
        var json = JsonNode.Parse(stdout)!;
        var (model, copy, blank) = Score(video, output, end, json["context_frames"]!.GetValue<int>());
        File.Delete(output);
        return new JsonObject
        {
            ["mode"] = mode,
            ["video"] = Path.GetFileName(video),
            ["width"] = json["width"]?.DeepClone(),
            ["height"] = json["height"]?.DeepClone(),
            ["frames"] = frames,
            ["seconds_of_video"] = frames / Fps,
            ["budget"] = mode == "fit" ? budget : null,
            ["wall_seconds"] = wall,
            ["peak_rss_mib"] = peakMiB,
            ["read_seconds"] = json["read_seconds"]?.DeepClone(),
            ["write_seconds"] = json["write_seconds"]?.DeepClone(),
            ["fit_steps"] = json["fit"]?["steps"]?.DeepClone(),
            ["fit_window"] = json["fit"]?["window"]?.DeepClone(),
            ["mse_model"] = model,
            ["mse_copy_last_frame"] = copy,
            ["mse_blank_frame"] = blank,
            ["ratio_to_copy_last"] = model / copy,
        };
    }

    private static void Generate(string path, string size, int seconds)
    {
        string temp = path + ".part.mp4";
        var info = new ProcessStartInfo("ffmpeg") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "error", "-y", "-f", "lavfi", "-i", $"testsrc2=size={size}:rate={Fps.ToString(CultureInfo.InvariantCulture)}", "-t", seconds.ToString(CultureInfo.InvariantCulture), "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", temp })
        {
            info.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("could not start ffmpeg");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"the long-video section generates its videos with ffmpeg, which is not on PATH ({e.Message}); install it (apt-get install ffmpeg)", e);
        }

        using (process)
        {
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                File.Delete(temp);
                throw new InvalidOperationException($"ffmpeg failed to make {path}: {errors.Trim()}");
            }
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Luma MSE (0–255 scale) of the forecast frames, of copying the last context frame, and of a blank frame, against the truth.</summary>
    private static (double Model, double Copy, double Blank) Score(string video, string output, int end, int contextFrames)
    {
        var truth = Frames(video, end, Horizon);
        var last = Frames(video, end - 1, 1)[0];
        var forecast = Frames(output, contextFrames, Horizon);
        float mean = last.Average();
        var flat = Enumerable.Repeat(mean, last.Length).ToArray();
        double Mean(Func<int, double> f) => Enumerable.Range(0, Horizon).Average(f);
        return (Mean(t => Mse(forecast[t], truth[t])), Mean(t => Mse(last, truth[t])), Mean(t => Mse(flat, truth[t])));
    }

    private static List<float[]> Frames(string path, int first, int count)
    {
        using var reader = VideoFrameReader.Open(path, new VideoReadOptions { Channels = 1 });
        reader.Seek(first);
        var frames = new List<float[]>();
        for (int i = 0; i < count; i++)
        {
            var frame = new float[reader.Format.FrameBytes];
            if (!reader.ReadFrame(frame))
            {
                throw new InvalidOperationException($"{path} ended before frame {first + i}");
            }

            frames.Add(frame);
        }

        return frames;
    }

    private static double Mse(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < b.Length; i++)
        {
            double d = Math.Round(a[i] * 255) - Math.Round(b[i] * 255);
            sum += d * d;
        }

        return sum / b.Length;
    }

    /// <summary>The largest peak resident set of this process's waited-for children (Linux: KiB).</summary>
    private static long ChildrenPeakKiB() => GetRUsage(-1, out var usage) == 0 ? usage.MaxRss : -1;

    [DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRUsage(int who, out RUsage usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxRss, SharedRss, DataRss, StackRss, MinorFaults, MajorFaults, Swaps, BlocksIn, BlocksOut, MessagesSent, MessagesReceived, Signals, VoluntarySwitches, InvoluntarySwitches;
    }
}
