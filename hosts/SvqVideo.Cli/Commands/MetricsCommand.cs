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
        if (pred.Frames.Height != truth.Frames.Height || pred.Frames.Width != truth.Frames.Width)
        {
            throw new CliException(ExitCodes.BadInput, $"frame sizes differ: {pred.Path} is {pred.Frames.Width}x{pred.Frames.Height}, {truth.Path} is {truth.Frames.Width}x{truth.Frames.Height}");
        }

        int skip = parse.GetValue(Skip);
        int frames = Math.Min(pred.Frames.Frames, truth.Frames.Frames) - skip;
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
            var p = ToTensor(pred.Frames.Slice(skip + start, n)).to(device);
            var t = ToTensor(truth.Frames.Slice(skip + start, n)).to(device);
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

    /// <summary>A clip as a (1, T, C, H, W) tensor.</summary>
    internal static Tensor ToTensor(FrameClip clip) =>
        tensor(clip.Data.ToArray(), [1, clip.Frames, clip.Channels, clip.Height, clip.Width]);
}
