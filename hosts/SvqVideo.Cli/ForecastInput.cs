using System.Globalization;
using SvqVideo.Datasets;
using SvqVideo.Datasets.Video;
using SvqVideo.Training;

namespace SvqVideo.Cli;

/// <summary>
/// One input video of <c>forecast</c>, read as a bounded window (<see cref="VideoWindow"/>): the frames before the forecast
/// point that the work needs, reduced on read to the model's size (<see cref="Before"/>), the frames after it that serve
/// as truth (<see cref="Truth"/>), and the last context frames at the video's own size for the output. Nothing else of the
/// video is held, so memory does not grow with its length.
/// </summary>
internal sealed class ForecastInput
{
    private ForecastInput(VideoWindow window, FrameClip context, TimeSpan readTime)
    {
        Window = window;
        Context = context;
        ReadTime = readTime;
    }

    /// <summary>How long reading the window took (opening, seeking, decoding, reducing).</summary>
    public TimeSpan ReadTime { get; }

    /// <summary>The video file.</summary>
    public string Path => Window.Path;

    /// <summary>What was read.</summary>
    public VideoWindow Window { get; }

    /// <summary>The frames before the forecast point, at the model's size (the fit's window, or the context alone).</summary>
    public FrameClip Before => Window.Before;

    /// <summary>The model's context: the last FramesIn frames before the forecast point, at the model's size.</summary>
    public FrameClip Context { get; }

    /// <summary>The frames after the forecast point at the model's size, when the video has them (with <c>--context-end</c>).</summary>
    public FrameClip? Truth => Window.After;

    /// <summary>Index in the video of the first context frame.</summary>
    public int ContextStart => Window.End - Context.Frames;

    /// <summary>The video's frame rate, 25 when it reports none.</summary>
    public double Fps => Window.Fps > 0 ? Window.Fps : 25;

    /// <summary>
    /// Reads <paramref name="path"/>: the frames <paramref name="before"/> asks for (at least <paramref name="framesIn"/>)
    /// before <paramref name="contextEnd"/> (default: the end of the video) at <paramref name="width"/>×<paramref name="height"/>,
    /// and up to <paramref name="after"/> frames after it.
    /// </summary>
    /// <exception cref="CliException">The forecast point is outside the video, or it has too few frames before it.</exception>
    public static ForecastInput Read(string path, int channels, int width, int height, int framesIn, FitWindow before, int after, int? contextEnd)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var window = VideoWindow.Read(path, new VideoWindowOptions
        {
            Read = new VideoReadOptions { Channels = channels, Width = width, Height = height, Interpolation = FrameInterpolation.Area },
            End = contextEnd,
            Frames = Math.Max(before.Frames, framesIn),
            Duration = before.Duration,
            After = contextEnd is null ? 0 : after,
            NativeFrames = framesIn,
        });
        if (contextEnd is int end && window.End < end)
        {
            throw new CliException(ExitCodes.Usage, $"--context-end {end} is outside {path}'s {window.End} frames");
        }

        if (window.Before.Frames < framesIn)
        {
            throw new CliException(ExitCodes.BadInput, $"{path} has {window.End} frames before the forecast point; the model needs {framesIn} context frames");
        }

        var context = window.Before.Slice(window.Before.Frames - framesIn, framesIn);
        return new ForecastInput(window, context, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// <c>--fit-window</c>: a frame count (<c>300</c>) or a duration (<c>20s</c>, <c>1m</c>) of the video before the forecast
    /// point; a duration shorter than <paramref name="minimum"/> frames of a video takes <paramref name="minimum"/>.
    /// </summary>
    /// <exception cref="CliException">Usage: neither a whole number of at least <paramref name="minimum"/> nor a duration.</exception>
    public static FitWindow ParseWindow(string text, int minimum)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int frames))
        {
            return frames >= minimum
                ? new FitWindow(frames, null)
                : throw new CliException(ExitCodes.Usage, $"--fit-window {frames} is too short: fitting needs at least {minimum} frames (two clips of context and forecast)");
        }

        try
        {
            return new FitWindow(minimum, DurationText.Parse(text));
        }
        catch (FormatException e)
        {
            throw new CliException(ExitCodes.Usage, $"--fit-window: give a number of frames (300) or a duration (20s, 1m): {e.Message}");
        }
    }
}

/// <summary>How much of a video before the forecast point is read: at least <see cref="Frames"/>, and <see cref="Duration"/> of it when given.</summary>
internal sealed record FitWindow(int Frames, TimeSpan? Duration);
