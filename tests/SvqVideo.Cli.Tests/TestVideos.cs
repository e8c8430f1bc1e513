using OpenCvSharp;

namespace SvqVideo.Cli.Tests;

/// <summary>Generates small videos with moving content, and reads them back, through OpenCV.</summary>
internal static class TestVideos
{
    /// <summary>
    /// Writes an mp4 (mp4v; OpenCV crops odd sizes to even) or, for <c>.avi</c>, a Motion JPEG file through OpenCV's
    /// own writer (any size) of a bright square moving right over a gradient.
    /// </summary>
    public static string MovingSquare(string path, int frames, int width, int height, double fps = 10, int speed = 2)
    {
        using var writer = path.EndsWith(".avi", StringComparison.OrdinalIgnoreCase)
            ? new VideoWriter(path, VideoCaptureAPIs.OPENCV_MJPEG, FourCC.MJPG, fps, new Size(width, height))
            : new VideoWriter(path, FourCC.MP4V, fps, new Size(width, height));
        if (!writer.IsOpened())
        {
            throw new InvalidOperationException($"cannot open a writer for {path}");
        }

        for (int t = 0; t < frames; t++)
        {
            using var frame = new Mat(height, width, MatType.CV_8UC3);
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    frame.Set(y, x, new Vec3b((byte)(40 + (x * 60 / width)), (byte)(30 + (y * 60 / height)), 60));
                }
            }

            int size = Math.Max(4, Math.Min(width, height) / 4);
            int x0 = (t * speed) % Math.Max(1, width - size);
            Cv2.Rectangle(frame, new Rect(x0, (height - size) / 2, size, size), new Scalar(230, 230, 230), -1);
            writer.Write(frame);
        }

        return path;
    }

    public static (int Frames, int Width, int Height, double Fps) Probe(string path)
    {
        using var capture = new VideoCapture(path);
        if (!capture.IsOpened())
        {
            return (0, 0, 0, 0);
        }

        int count = 0;
        using var frame = new Mat();
        while (capture.Read(frame) && !frame.Empty())
        {
            count++;
        }

        return (count, capture.FrameWidth, capture.FrameHeight, capture.Fps);
    }
}
