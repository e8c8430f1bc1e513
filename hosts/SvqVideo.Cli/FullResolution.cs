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
/// </summary>
internal static class FullResolution
{
    /// <summary>
    /// With motion, each forecast frame t is its source frame at full resolution (the last context frame, or an earlier
    /// output frame) sampled along the flow scaled to the full size, plus the upsampled part of the small forecast that
    /// the same motion of the small source frame does not explain, clipped to [0, 1]. At the model's own size that
    /// is exactly the small forecast; where the flow is zero it is the frame-difference rule above.
    /// </summary>
    public static FrameClip Forecast(FrameClip smallContext, FrameClip nativeContext, MotionForecast forecast)
    {
        ArgumentNullException.ThrowIfNull(smallContext);
        ArgumentNullException.ThrowIfNull(nativeContext);
        ArgumentNullException.ThrowIfNull(forecast);
        var small = forecast.Frames;
        int w = nativeContext.Width, h = nativeContext.Height;
        if (!forecast.HasMotion || (small.Width == w && small.Height == h))
        {
            return Forecast(smallContext, nativeContext, small);
        }

        int c = small.Channels, sh = small.Height, sw = small.Width, frames = small.Frames;
        var flowArray = forecast.Flow.ToArray();
        // The flow in pixels of the full-size frame, upsampled the way the frames were resized (pixel centres at half steps).
        var scaled = new float[flowArray.Length];
        int plane = sh * sw;
        for (int t = 0; t < frames; t++)
        {
            for (int k = 0; k < 2; k++)
            {
                float f = k == 0 ? (float)w / sw : (float)h / sh;
                int o = ((t * 2) + k) * plane;
                for (int i = 0; i < plane; i++)
                {
                    scaled[o + i] = flowArray[o + i] * f;
                }
            }
        }

        var nativeFlow = FrameResize.To(new FrameClip(scaled, frames, 2, sh, sw), w, h).Data.ToArray();
        int frameLength = c * h * w;
        var output = new float[(long)frames * frameLength];
        using (NewDisposeScope())
        {
            var smallFrames = tensor(small.Data.ToArray(), [frames, c, sh, sw]);
            var smallLast = tensor(smallContext.Frame(smallContext.Frames - 1).ToArray(), [1, c, sh, sw]);
            var nativeLast = tensor(nativeContext.Frame(nativeContext.Frames - 1).ToArray(), [1, c, h, w]);
            var smallFlow = tensor(flowArray, [frames, 2, sh, sw]);
            var bigFlow = tensor(nativeFlow, [frames, 2, h, w]);
            var outputs = new Tensor[frames];
            for (int t = 0; t < frames; t++)
            {
                int source = forecast.Sources[t];
                var smallSource = source < 0 ? smallLast : smallFrames.narrow(0, source, 1);
                var nativeSource = source < 0 ? nativeLast : outputs[source];
                var rest = (smallFrames.narrow(0, t, 1) - FlowSampling.Warp(smallSource, smallFlow.narrow(0, t, 1))).contiguous().data<float>().ToArray();
                var restUp = FrameResize.To(new FrameClip(rest, 1, c, sh, sw), w, h).Data.ToArray();
                outputs[t] = (FlowSampling.Warp(nativeSource, bigFlow.narrow(0, t, 1)) + tensor(restUp, [1, c, h, w])).clamp(0, 1);
                outputs[t].contiguous().data<float>().CopyTo(output, t * frameLength);
            }
        }

        return new FrameClip(output, frames, c, h, w);
    }

    public static FrameClip Forecast(FrameClip smallContext, FrameClip nativeContext, FrameClip smallForecast)
    {
        ArgumentNullException.ThrowIfNull(smallContext);
        ArgumentNullException.ThrowIfNull(nativeContext);
        ArgumentNullException.ThrowIfNull(smallForecast);
        int w = nativeContext.Width, h = nativeContext.Height;
        if (smallForecast.Width == w && smallForecast.Height == h)
        {
            return smallForecast;
        }

        var lastSmall = smallContext.Frame(smallContext.Frames - 1);
        var change = new float[smallForecast.Frames * smallForecast.FrameLength];
        for (int t = 0; t < smallForecast.Frames; t++)
        {
            var frame = smallForecast.Frame(t);
            var target = change.AsSpan(t * smallForecast.FrameLength, smallForecast.FrameLength);
            for (int i = 0; i < target.Length; i++)
            {
                target[i] = frame[i] - lastSmall[i];
            }
        }

        var upsampled = FrameResize.To(new FrameClip(change, smallForecast.Frames, smallForecast.Channels, smallForecast.Height, smallForecast.Width), w, h);
        var lastNative = nativeContext.Frame(nativeContext.Frames - 1);
        var output = upsampled.Data.ToArray();
        for (int t = 0; t < upsampled.Frames; t++)
        {
            var frame = output.AsSpan(t * upsampled.FrameLength, upsampled.FrameLength);
            for (int i = 0; i < frame.Length; i++)
            {
                frame[i] = Math.Clamp(lastNative[i] + frame[i], 0f, 1f);
            }
        }

        return new FrameClip(output, upsampled.Frames, upsampled.Channels, h, w);
    }
}
