using OpenCvSharp;

namespace SvqVideo.Datasets.Tests;

/// <summary>Generates test media with OpenCV: frames whose content encodes the frame index, written as images or videos.</summary>
internal static class Synthetic
{
    /// <summary>A BGR frame: background level and a moving square both derived from <paramref name="index"/>.</summary>
    public static Mat Frame(int index, int width, int height, int seed = 0)
    {
        var m = new Mat(height, width, MatType.CV_8UC3, new Scalar((index * 7 + seed) % 200 + 20, (index * 13 + seed) % 200 + 20, (index * 29 + seed) % 200 + 20));
        int side = Math.Max(2, Math.Min(width, height) / 4);
        int x = index * 3 % Math.Max(1, width - side);
        Cv2.Rectangle(m, new Rect(x, height / 3, side, side), new Scalar(250, 250, 250), -1);
        return m;
    }

    public static void WriteVideo(string path, int frames, int width, int height, string fourcc = "mp4v", double fps = 25, int seed = 0)
    {
        using var writer = new VideoWriter(path, FourCC.FromString(fourcc), fps, new Size(width, height), true);
        Assert.True(writer.IsOpened(), $"test setup: cannot open {fourcc} writer for {path}");
        for (int i = 0; i < frames; i++)
        {
            using var f = Frame(i, width, height, seed);
            writer.Write(f);
        }
    }

    public static void WriteImage(string path, int index, int width, int height, int seed = 0)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var f = Frame(index, width, height, seed);
        Assert.True(Cv2.ImWrite(path, f), $"test setup: cannot write {path}");
    }
}
