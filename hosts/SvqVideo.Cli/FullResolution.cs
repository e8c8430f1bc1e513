using SvqVideo.Datasets;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Cli;

/// <summary>
/// A forecast made at the model's frame size, written at the video's own size without losing the detail of what
/// does not move: every forecast frame is the full-resolution last context frame plus the upsampled change the model
/// predicts from its own (small) last context frame, clipped to [0, 1]. Where the model predicts no change the output
/// is exactly the video's last frame; upsampling the small forecast itself would blur the whole picture. When the model
/// forecasts by moving pixels (<see cref="MotionForecast.HasMotion"/>), what moves keeps its detail too: the
/// full-resolution frame is moved along the upsampled flow, and only the rest of the change is upsampled.
/// Frames are made one at a time (<see cref="Frames"/>), so a long forecast of a large video holds a few full-size
/// frames, not all of them.
/// </summary>
internal static class FullResolution
{
    /// <summary>
    /// The forecast frames at <paramref name="width"/>×<paramref name="height"/>, one C×H×W array at a time, in order.
    /// Without motion (or at the model's own size) frame t is <paramref name="nativeLast"/> plus the upsampled
    /// <c>forecast[t] − smallLast</c>. With motion, frame t is its source at full resolution (the last context frame,
    /// or an earlier output frame) sampled along the flow scaled to the full size, plus the upsampled part of the small
    /// forecast that the same motion of the small source frame does not explain; at the model's own size that is
    /// exactly the small forecast, and where the flow is zero it is the frame-difference rule. Values are clipped to [0, 1].
    /// </summary>
    public static IEnumerable<float[]> Frames(float[] smallLast, float[] nativeLast, int width, int height, MotionForecast forecast)
    {
        ArgumentNullException.ThrowIfNull(smallLast);
        ArgumentNullException.ThrowIfNull(nativeLast);
        ArgumentNullException.ThrowIfNull(forecast);
        var small = forecast.Frames;
        if (small.Width == width && small.Height == height)
        {
            return Enumerable.Range(0, small.Frames).Select(t => small.Frame(t).ToArray());
        }

        return forecast.HasMotion ? Moved(smallLast, nativeLast, width, height, forecast) : Changed(smallLast, nativeLast, width, height, small);
    }

    /// <summary>All of <see cref="Frames"/> as one clip (for small videos and tests).</summary>
    public static FrameClip Forecast(FrameClip smallContext, FrameClip nativeContext, MotionForecast forecast)
    {
        ArgumentNullException.ThrowIfNull(smallContext);
        ArgumentNullException.ThrowIfNull(nativeContext);
        ArgumentNullException.ThrowIfNull(forecast);
        int w = nativeContext.Width, h = nativeContext.Height, c = nativeContext.Channels, frames = forecast.Frames.Frames;
        var data = FrameClip.Allocate(frames, c, h, w);
        int t = 0;
        foreach (var frame in Frames(smallContext.Frame(smallContext.Frames - 1).ToArray(), nativeContext.Frame(nativeContext.Frames - 1).ToArray(), w, h, forecast))
        {
            frame.CopyTo(data, (long)t++ * frame.Length);
        }

        return new FrameClip(data, frames, c, h, w);
    }

    /// <summary>The frame-difference rule for a forecast without motion.</summary>
    public static FrameClip Forecast(FrameClip smallContext, FrameClip nativeContext, FrameClip smallForecast) =>
        Forecast(smallContext, nativeContext, new MotionForecast(smallForecast));

    private static IEnumerable<float[]> Changed(float[] smallLast, float[] nativeLast, int w, int h, FrameClip small)
    {
        int c = small.Channels;
        var change = new float[small.FrameLength];
        for (int t = 0; t < small.Frames; t++)
        {
            var frame = small.Frame(t);
            for (int i = 0; i < change.Length; i++)
            {
                change[i] = frame[i] - smallLast[i];
            }

            var output = new float[nativeLast.Length];
            FrameResize.Frame(change, c, small.Height, small.Width, output, h, w);
            for (int i = 0; i < output.Length; i++)
            {
                output[i] = Math.Clamp(nativeLast[i] + output[i], 0f, 1f);
            }

            yield return output;
        }
    }

    private static IEnumerable<float[]> Moved(float[] smallLast, float[] nativeLast, int w, int h, MotionForecast forecast)
    {
        var small = forecast.Frames;
        int c = small.Channels, sh = small.Height, sw = small.Width, plane = sh * sw;
        var flow = forecast.Flow;
        // An output frame is kept only while a later frame is moved from it.
        var lastUse = new int[small.Frames];
        Array.Fill(lastUse, -1);
        for (int t = 0; t < small.Frames; t++)
        {
            if (forecast.Sources[t] >= 0)
            {
                lastUse[forecast.Sources[t]] = t;
            }
        }

        var kept = new Dictionary<int, float[]>();
        var smallFlow = new float[2 * plane];
        var nativeFlow = new float[2 * h * w];
        var restUp = new float[c * h * w];
        for (int t = 0; t < small.Frames; t++)
        {
            // The flow in pixels of the full-size frame, upsampled the way the frames were resized (pixel centres at half steps).
            flow.Span.Slice(t * 2 * plane, 2 * plane).CopyTo(smallFlow);
            for (int i = 0; i < plane; i++)
            {
                smallFlow[i] *= (float)w / sw;
                smallFlow[plane + i] *= (float)h / sh;
            }

            FrameResize.Frame(smallFlow, 2, sh, sw, nativeFlow, h, w);
            int source = forecast.Sources[t];
            float[] output;
            using (NewDisposeScope())
            {
                var smallSource = tensor(source < 0 ? smallLast : small.Frame(source).ToArray(), [1, c, sh, sw]);
                var target = tensor(small.Frame(t).ToArray(), [1, c, sh, sw]);
                var flowT = tensor(flow.Span.Slice(t * 2 * plane, 2 * plane).ToArray(), [1, 2, sh, sw]);
                var rest = (target - FlowSampling.Warp(smallSource, flowT)).contiguous().data<float>().ToArray();
                FrameResize.Frame(rest, c, sh, sw, restUp, h, w);
                var nativeSource = tensor(source < 0 ? nativeLast : kept[source], [1, c, h, w]);
                var moved = (FlowSampling.Warp(nativeSource, tensor(nativeFlow, [1, 2, h, w])) + tensor(restUp, [1, c, h, w])).clamp(0, 1);
                output = moved.contiguous().data<float>().ToArray();
            }

            if (source >= 0 && lastUse[source] == t)
            {
                kept.Remove(source);
            }

            if (lastUse[t] > t)
            {
                kept[t] = output;
            }

            yield return output;
        }
    }
}
