using System.Text.Json.Nodes;
using Spectre.Console;
using SvqVideo.Cli.Reports;
using SvqVideo.Datasets;
using SvqVideo.Datasets.Video;

namespace SvqVideo.Cli;

/// <summary>
/// What <c>forecast</c> writes for one input: the video at its own size (the context frames, then the forecast made full
/// size one frame at a time), and on request a side-by-side video and a PNG strip at the model's size. Each file is
/// written to a temporary name and renamed when complete.
/// </summary>
internal static class ForecastOutputs
{
    public static JsonObject Write(CommandContext ctx, ForecastInput input, MotionForecast motion, string target, string? side, string? strip)
    {
        double fps = input.Fps;
        var forecast = motion.Frames;
        var window = input.Window;
        var native = window.NativeFormat;
        using (var writer = new VideoFileWriter(target, native.Width, native.Height, native.Channels, fps, new VideoWriteOptions { ChannelOrder = native.ChannelOrder }))
        {
            for (int i = 0; i < window.NativeCount; i++)
            {
                writer.Write(window.NativeFrame(i));
            }

            var smallLast = input.Context.Frame(input.Context.Frames - 1).ToArray();
            foreach (var frame in FullResolution.Frames(smallLast, window.NativeFrameAsFloat(window.NativeCount - 1), native.Width, native.Height, motion))
            {
                writer.Write(frame);
            }

            writer.Complete();
        }

        if (side is not null)
        {
            WriteSideBySide(side, input, forecast, fps);
        }

        if (strip is not null)
        {
            // With truth: the frames both have; without (a forecast past the end of the video): context and forecast only.
            var truth = input.Truth is { } t ? t.Slice(0, Math.Min(t.Frames, forecast.Frames)) : null;
            var pred = truth is null ? forecast : forecast.Slice(0, truth.Frames);
            FrameImages.WriteStrip(strip, input.Context, truth, pred);
        }

        if (!ctx.Json)
        {
            ctx.Out.MarkupLine($"{Markup.Escape(input.Path)}: {input.Context.Frames} context + {forecast.Frames} forecast frames -> {Markup.Escape(target)}");
        }

        return new JsonObject
        {
            ["input"] = input.Path,
            ["output"] = target,
            ["context_frames"] = input.Context.Frames,
            ["forecast_frames"] = forecast.Frames,
            ["context_end"] = window.End,
            // How the output at the video's own size was made: motion only when asked for and the model warps.
            ["full_size"] = motion.HasMotion ? "motion" : "change",
            ["fps"] = fps,
            ["width"] = native.Width,
            ["height"] = native.Height,
            ["side_by_side"] = side,
            ["strip"] = strip,
        };
    }

    /// <summary>
    /// Left: what really happened from the first context frame on (as long as the video lasts); right: context +
    /// forecast; both at the model's size, enlarged to about 256 pixels high.
    /// </summary>
    private static void WriteSideBySide(string target, ForecastInput input, FrameClip forecast, double fps)
    {
        var context = input.Context;
        int w = context.Width, h = context.Height, c = context.Channels;
        int scale = Math.Max(1, 256 / Math.Max(h, 1));
        var combined = new float[c * h * 2 * w];
        var big = new float[c * h * scale * 2 * w * scale];
        using var writer = new VideoFileWriter(target, 2 * w * scale, h * scale, c, fps);
        for (int t = 0; t < context.Frames + forecast.Frames; t++)
        {
            var left = RealFrame(input, input.ContextStart + t);
            var right = t < context.Frames ? context.Frame(t) : forecast.Frame(t - context.Frames);
            Array.Clear(combined);
            for (int ch = 0; ch < c; ch++)
            {
                for (int y = 0; y < h; y++)
                {
                    int row = ((ch * h) + y) * 2 * w;
                    if (!left.IsEmpty)
                    {
                        left.Slice((ch * h + y) * w, w).CopyTo(combined.AsSpan(row, w));
                    }

                    right.Slice((ch * h + y) * w, w).CopyTo(combined.AsSpan(row + w, w));
                }
            }

            FrameResize.Frame(combined, c, h, 2 * w, big, h * scale, 2 * w * scale);
            writer.Write(big);
        }

        writer.Complete();
    }

    // A frame of the video at the model's size by its index in the file, or empty past what was read.
    private static ReadOnlySpan<float> RealFrame(ForecastInput input, int index)
    {
        var window = input.Window;
        if (index < window.End)
        {
            return input.Before.Frame(index - window.Start);
        }

        return input.Truth is { } truth && index - window.End < truth.Frames ? truth.Frame(index - window.End) : default;
    }
}
