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
        var pred = VideoFile.ReadAll(parse.GetValue(Pred)!, options);
        var truth = VideoFile.ReadAll(parse.GetValue(Truth)!, options);
        var (predFrames, truthFrames) = (pred.Frames, truth.Frames);
        if (predFrames.Height != truthFrames.Height || predFrames.Width != truthFrames.Width)
        {
            if (!EvenPadded(predFrames, truthFrames) && !EvenPadded(truthFrames, predFrames))
            {
                throw new CliException(ExitCodes.BadInput, $"frame sizes differ: {pred.Path} is {predFrames.Width}x{predFrames.Height}, {truth.Path} is {truthFrames.Width}x{truthFrames.Height}");
            }

            // MPEG-4 files have even sizes, so a forecast of an odd-sized video is written one column/row larger:
            // its top-left part is the forecast at the video's own size, and that is what is compared.
            int w = Math.Min(predFrames.Width, truthFrames.Width);
            int h = Math.Min(predFrames.Height, truthFrames.Height);
            ctx.Stderr.WriteLine($"svqvideo: note: {predFrames.Width}x{predFrames.Height} against {truthFrames.Width}x{truthFrames.Height} (an odd size padded to even by the video encoder); comparing the top-left {w}x{h}");
            predFrames = TopLeft(predFrames, w, h);
            truthFrames = TopLeft(truthFrames, w, h);
        }

        int skip = parse.GetValue(Skip);
        int frames = Math.Min(predFrames.Frames, truthFrames.Frames) - skip;
        if (frames <= 0)
        {
            throw new CliException(ExitCodes.BadInput, $"nothing to score: {pred.Path} has {pred.Frames.Frames} frames, {truth.Path} has {truth.Frames.Frames}, skipping {skip}");
        }

        if (pred.Frames.Frames != truth.Frames.Frames)
        {
            ctx.Stderr.WriteLine($"svqvideo: warning: frame counts differ ({pred.Frames.Frames} vs {truth.Frames.Frames}); scoring the first {frames + skip}");
        }

        var lpipsOk = Metrics.LpipsWeights.TryLoad(parse.GetValue(LpipsWeights) ?? Environment.GetEnvironmentVariable(Metrics.LpipsWeights.EnvironmentVariable), out var lpips, out var reason);
        using var lpipsModule = lpips;
        lpipsModule?.to(device);
        var set = new MetricSet(new MetricSetOptions
        {
            Metrics = MetricNames.All,
            Lpips = lpipsModule,
            LpipsUnavailableReason = lpipsOk ? null : reason,
        });
        const int chunk = 32;
        for (int start = 0; start < frames; start += chunk)
        {
            int n = Math.Min(chunk, frames - start);
            using var scope = NewDisposeScope();
            var p = ToTensor(predFrames.Slice(skip + start, n)).to(device);
            var t = ToTensor(truthFrames.Slice(skip + start, n)).to(device);
            set.Update(p, t);
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

    /// <summary>True when <paramref name="larger"/> is <paramref name="smaller"/>'s size rounded up to even (and differs).</summary>
    internal static bool EvenPadded(FrameClip larger, FrameClip smaller) =>
        larger.Width == smaller.Width + (smaller.Width & 1) && larger.Height == smaller.Height + (smaller.Height & 1);

    /// <summary>The top-left <paramref name="width"/>×<paramref name="height"/> of every frame.</summary>
    internal static FrameClip TopLeft(FrameClip clip, int width, int height)
    {
        if (clip.Width == width && clip.Height == height)
        {
            return clip;
        }

        var data = new float[clip.Frames * clip.Channels * height * width];
        var source = clip.Data.Span;
        int plane = clip.Height * clip.Width;
        for (int p = 0; p < clip.Frames * clip.Channels; p++)
        {
            for (int y = 0; y < height; y++)
            {
                source.Slice((p * plane) + (y * clip.Width), width).CopyTo(data.AsSpan((((p * height) + y) * width), width));
            }
        }

        return new FrameClip(data, clip.Frames, clip.Channels, height, width);
    }

    /// <summary>A clip as a (1, T, C, H, W) tensor.</summary>
    internal static Tensor ToTensor(FrameClip clip) =>
        tensor(clip.Data.ToArray(), [1, clip.Frames, clip.Channels, clip.Height, clip.Width]);
}
