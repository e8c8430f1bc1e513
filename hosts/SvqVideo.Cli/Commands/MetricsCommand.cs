using System.CommandLine;
using System.Text.Json;
using SvqVideo.Datasets.Video;
using SvqVideo.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace SvqVideo.Cli.Commands;

/// <summary><c>svqvideo metrics --pred a.mp4 --truth b.mp4</c>: the metric table of a prediction video against the truth.</summary>
internal static class MetricsCommand
{
    private static readonly Option<string> Pred = new("--pred") { Description = "Predicted video (mp4/avi/mkv)", Required = true };
    private static readonly Option<string> Truth = new("--truth") { Description = "Ground-truth video", Required = true };
    private static readonly Option<int> Skip = new("--skip") { Description = "Ignore the first N frames of both videos (e.g. the context frames of a forecast)", DefaultValueFactory = _ => 0 };
    private static readonly Option<bool> Gray = new("--gray") { Description = "Score grayscale frames (default: RGB)" };
    private static readonly Option<string?> LpipsWeights = new("--lpips-weights") { Description = "LPIPS weights: a folder with alexnet-owt-7be5be79.pth and alex.pth, or one converted .safetensors file (default: $SVQ_LPIPS_WEIGHTS)" };

    public static Command Create()
    {
        var cmd = new Command("metrics", "Score a predicted video against the true one: MSE/MAE (both conventions), SSIM (both), PSNR, LPIPS");
        cmd.Options.Add(Pred);
        cmd.Options.Add(Truth);
        cmd.Options.Add(Skip);
        cmd.Options.Add(Gray);
        cmd.Options.Add(LpipsWeights);
        cmd.SetAction((parse, ct) => Cli.RunAsync(parse, ctx => Task.FromResult(Run(ctx, parse)), ct));
        return cmd;
    }

    private static int Run(CommandContext ctx, ParseResult parse)
    {
        var device = ctx.InitTorch();
        var options = new VideoReadOptions { Channels = parse.GetValue(Gray) ? 1 : 3 };
        // Both videos are streamed side by side, a chunk of frames at a time: memory does not grow with their length.
        using var pred = VideoFrameReader.Open(parse.GetValue(Pred)!, options);
        using var truth = VideoFrameReader.Open(parse.GetValue(Truth)!, options);
        var (w, h) = (pred.NativeWidth, pred.NativeHeight);
        if (w != truth.NativeWidth || h != truth.NativeHeight)
        {
            if (!EvenPadded(w, h, truth.NativeWidth, truth.NativeHeight) && !EvenPadded(truth.NativeWidth, truth.NativeHeight, w, h))
            {
                throw new CliException(ExitCodes.BadInput, $"frame sizes differ: {pred.Path} is {w}x{h}, {truth.Path} is {truth.NativeWidth}x{truth.NativeHeight}");
            }

            // MPEG-4 files have even sizes, so a forecast of an odd-sized video is written one column/row larger:
            // its top-left part is the forecast at the video's own size, and that is what is compared.
            ctx.Stderr.WriteLine($"svqvideo: note: {w}x{h} against {truth.NativeWidth}x{truth.NativeHeight} (an odd size padded to even by the video encoder); comparing the top-left {Math.Min(w, truth.NativeWidth)}x{Math.Min(h, truth.NativeHeight)}");
            (w, h) = (Math.Min(w, truth.NativeWidth), Math.Min(h, truth.NativeHeight));
        }

        int skip = parse.GetValue(Skip);
        pred.Seek(skip);
        truth.Seek(skip);
        var lpipsOk = Metrics.LpipsWeights.TryLoad(parse.GetValue(LpipsWeights) ?? Environment.GetEnvironmentVariable(Metrics.LpipsWeights.EnvironmentVariable), out var lpips, out var reason);
        using var lpipsModule = lpips;
        lpipsModule?.to(device);
        var set = new MetricSet(new MetricSetOptions
        {
            Metrics = MetricNames.All,
            Lpips = lpipsModule,
            LpipsUnavailableReason = lpipsOk ? null : reason,
        });
        var (frames, longer) = Score(set, pred, truth, w, h, device);
        if (frames <= 0)
        {
            throw new CliException(ExitCodes.BadInput, $"nothing to score: {pred.Path} has {pred.Position} frames, {truth.Path} has {truth.Position}, skipping {skip}");
        }

        if (longer is not null)
        {
            ctx.Stderr.WriteLine($"svqvideo: warning: frame counts differ ({longer} has more than {frames + skip}); scoring the first {frames + skip}");
        }

        var report = set.Report();
        if (ctx.Json)
        {
            ctx.Stdout.WriteLine(JsonSerializer.Serialize(new { pred = pred.Path, truth = truth.Path, frames, skip, report = JsonDocument.Parse(report.ToJson()).RootElement }));
        }
        else
        {
            ctx.Out.Write(MetricTables.Compare($"{Path.GetFileName(pred.Path)} vs {Path.GetFileName(truth.Path)}: {frames} frames", [("value", report)]));
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// Scores the two readers' frames pairwise (their top-left <paramref name="w"/>×<paramref name="h"/>) in chunks until
    /// either ends; returns the frames scored and the path of the video that had more, if one did.
    /// </summary>
    private static (int Frames, string? Longer) Score(MetricSet set, VideoFrameReader pred, VideoFrameReader truth, int w, int h, Device device)
    {
        int c = pred.Format.Channels;
        // Up to 32 frames a chunk, fewer for large frames (the chunk is held four times: two buffers, two tensors).
        int chunk = (int)Math.Clamp((256L << 20) / (16L * c * h * w), 1, 32);
        var (p, t) = (new float[chunk * c * h * w], new float[chunk * c * h * w]);
        var (pFrame, tFrame) = (new float[pred.Format.FrameBytes], new float[truth.Format.FrameBytes]);
        int frames = 0;
        while (true)
        {
            int n = 0;
            bool pMore = true, tMore = true;
            while (n < chunk && (pMore = pred.ReadFrame(pFrame)) & (tMore = truth.ReadFrame(tFrame)))
            {
                TopLeft(pFrame, pred.Format, w, h, p.AsSpan(n * c * h * w, c * h * w));
                TopLeft(tFrame, truth.Format, w, h, t.AsSpan(n * c * h * w, c * h * w));
                n++;
            }

            if (n > 0)
            {
                using var scope = NewDisposeScope();
                set.Update(tensor(p.AsSpan(0, n * c * h * w).ToArray(), [1, n, c, h, w]).to(device), tensor(t.AsSpan(0, n * c * h * w).ToArray(), [1, n, c, h, w]).to(device));
                frames += n;
            }

            if (n < chunk)
            {
                // One ended; the other had a frame more when it read one (or reads one now).
                string? longer = pMore ? pred.Path : tMore ? truth.Path : null;
                return (frames, longer);
            }
        }
    }

    /// <summary>True when <paramref name="largerWidth"/>×<paramref name="largerHeight"/> is the other size rounded up to even (and differs).</summary>
    internal static bool EvenPadded(int largerWidth, int largerHeight, int width, int height) =>
        largerWidth == width + (width & 1) && largerHeight == height + (height & 1);

    /// <summary>The top-left <paramref name="width"/>×<paramref name="height"/> of one C×H×W frame in <paramref name="format"/>.</summary>
    internal static void TopLeft(ReadOnlySpan<float> frame, Datasets.FrameFormat format, int width, int height, Span<float> destination)
    {
        int plane = format.Height * format.Width;
        for (int ch = 0; ch < format.Channels; ch++)
        {
            for (int y = 0; y < height; y++)
            {
                frame.Slice((ch * plane) + (y * format.Width), width).CopyTo(destination.Slice(((ch * height) + y) * width, width));
            }
        }
    }
}
