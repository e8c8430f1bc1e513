using OpenCvSharp;

namespace SvqVideo.Datasets;

/// <summary>
/// Resizes float C×H×W frames plane by plane through OpenCV: area averaging when shrinking, bilinear when enlarging.
/// The one resize of float frames in the SDK (readers resize decoded 8-bit frames themselves). Thread-safe.
/// </summary>
public static class FrameResize
{
    /// <summary>Every frame of <paramref name="clip"/> at <paramref name="width"/>×<paramref name="height"/> (the clip itself when it already is).</summary>
    public static FrameClip To(FrameClip clip, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.Width == width && clip.Height == height)
        {
            return clip;
        }

        var data = FrameClip.Allocate(clip.Frames, clip.Channels, height, width);
        int outLength = clip.Channels * height * width;
        for (int t = 0; t < clip.Frames; t++)
        {
            Frame(clip.Frame(t), clip.Channels, clip.Height, clip.Width, data.AsSpan((int)((long)t * outLength), outLength), height, width);
        }

        return new FrameClip(data, clip.Frames, clip.Channels, height, width);
    }

    /// <summary>One C×H×W frame into <paramref name="destination"/> (C×<paramref name="height"/>×<paramref name="width"/>).</summary>
    /// <exception cref="ArgumentException">A span's length does not match its shape.</exception>
    public static void Frame(ReadOnlySpan<float> source, int channels, int sourceHeight, int sourceWidth, Span<float> destination, int height, int width)
    {
        int inPlane = sourceHeight * sourceWidth, outPlane = height * width;
        if (source.Length != channels * inPlane || destination.Length != channels * outPlane)
        {
            throw new ArgumentException($"frame spans of {source.Length} and {destination.Length} values do not match {channels}x{sourceHeight}x{sourceWidth} -> {channels}x{height}x{width}");
        }

        if (inPlane == outPlane && sourceWidth == width)
        {
            source.CopyTo(destination);
            return;
        }

        var interpolation = outPlane >= inPlane ? InterpolationFlags.Linear : InterpolationFlags.Area;
        using var src = new Mat(sourceHeight, sourceWidth, MatType.CV_32FC1);
        using var dst = new Mat(height, width, MatType.CV_32FC1);
        for (int c = 0; c < channels; c++)
        {
            source.Slice(c * inPlane, inPlane).CopyTo(src.AsSpan<float>());
            Cv2.Resize(src, dst, new Size(width, height), 0, 0, interpolation);
            dst.AsSpan<float>()[..outPlane].CopyTo(destination.Slice(c * outPlane, outPlane));
        }
    }
}
