using OpenCvSharp;

namespace SvqVideo.Cli;

/// <summary>Resizes every frame of a clip (per channel, bilinear when enlarging, area when shrinking).</summary>
internal static class FrameResize
{
    public static FrameClip To(FrameClip clip, int width, int height)
    {
        if (clip.Width == width && clip.Height == height)
        {
            return clip;
        }

        var interpolation = width * height >= clip.Width * clip.Height ? InterpolationFlags.Linear : InterpolationFlags.Area;
        int inPlane = clip.Height * clip.Width, outPlane = height * width;
        var data = new float[(long)clip.Frames * clip.Channels * outPlane];
        var source = clip.Data.ToArray();
        using var src = new Mat(clip.Height, clip.Width, MatType.CV_32FC1);
        using var dst = new Mat();
        for (int t = 0; t < clip.Frames; t++)
        {
            for (int c = 0; c < clip.Channels; c++)
            {
                int plane = (t * clip.Channels) + c;
                System.Runtime.InteropServices.Marshal.Copy(source, plane * inPlane, src.Data, inPlane);
                Cv2.Resize(src, dst, new Size(width, height), 0, 0, interpolation);
                System.Runtime.InteropServices.Marshal.Copy(dst.Data, data, plane * outPlane, outPlane);
            }
        }

        return new FrameClip(data, clip.Frames, clip.Channels, height, width);
    }
}
