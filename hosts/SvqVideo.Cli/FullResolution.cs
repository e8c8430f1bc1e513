namespace SvqVideo.Cli;

/// <summary>
/// A forecast made at the model's frame size, written at the video's own size without losing the detail of what
/// does not move: every forecast frame is the full-resolution last context frame plus the upsampled change the model
/// predicts from its own (small) last context frame, clipped to [0, 1]. Where the model predicts no change the output
/// is exactly the video's last frame; upsampling the small forecast itself would blur the whole picture.
/// </summary>
internal static class FullResolution
{
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
