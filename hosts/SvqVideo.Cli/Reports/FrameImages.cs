using OpenCvSharp;

namespace SvqVideo.Cli.Reports;

/// <summary>Turns float frames into pictures: 8-bit BGR images, strips and error heat maps (OpenCV).</summary>
internal static class FrameImages
{
    /// <summary>Frame t of a T×C×H×W clip (values in [0,1], RGB or gray) as an 8-bit BGR Mat, scaled by an integer factor (nearest).</summary>
    public static Mat ToBgr(FrameClip clip, int t, int scale = 1)
    {
        var frame = clip.Frame(t);
        int h = clip.Height, w = clip.Width, c = clip.Channels;
        var mat = new Mat(h, w, MatType.CV_8UC3);
        var rows = mat.GetUnsafeGenericIndexer<Vec3b>();
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                byte r = ToByte(frame[(0 * h * w) + (y * w) + x]);
                byte g = c >= 3 ? ToByte(frame[(1 * h * w) + (y * w) + x]) : r;
                byte b = c >= 3 ? ToByte(frame[(2 * h * w) + (y * w) + x]) : r;
                rows[y, x] = new Vec3b(b, g, r);
            }
        }

        if (scale > 1)
        {
            var big = new Mat();
            Cv2.Resize(mat, big, new Size(w * scale, h * scale), 0, 0, InterpolationFlags.Nearest);
            mat.Dispose();
            return big;
        }

        return mat;
    }

    /// <summary>|truth − prediction| of frame t (mean over channels) as a colour heat map (INFERNO, 0 → 1).</summary>
    public static Mat ErrorMap(FrameClip truth, FrameClip prediction, int t, int scale = 1)
    {
        var a = truth.Frame(t);
        var b = prediction.Frame(t);
        int h = truth.Height, w = truth.Width, c = truth.Channels;
        using var gray = new Mat(h, w, MatType.CV_8UC1);
        var px = gray.GetUnsafeGenericIndexer<byte>();
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                float e = 0;
                for (int ch = 0; ch < c; ch++)
                {
                    int i = (ch * h * w) + (y * w) + x;
                    e += MathF.Abs(a[i] - b[i]);
                }

                px[y, x] = ToByte(e / c);
            }
        }

        using var coloured = new Mat();
        Cv2.ApplyColorMap(gray, coloured, ColormapTypes.Inferno);
        var result = new Mat();
        Cv2.Resize(coloured, result, new Size(w * scale, h * scale), 0, 0, InterpolationFlags.Nearest);
        return result;
    }

    /// <summary>
    /// The strip people look at: context | truth | prediction | |error|, one column per frame, with row labels; without
    /// a truth (a forecast past the end of the video) only context | forecast. Written atomically as PNG.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "Each tile is disposed by its using declaration; the analyzer does not follow a switch expression.")]
    public static void WriteStrip(string path, FrameClip context, FrameClip? truth, FrameClip prediction)
    {
        int scale = Math.Max(1, 96 / Math.Max(prediction.Height, prediction.Width));
        int cw = prediction.Width * scale, ch = prediction.Height * scale;
        const int label = 90, gap = 2;
        int columns = Math.Max(context.Frames, prediction.Frames);
        string[] names = truth is null ? ["context", "forecast"] : ["context", "truth", "prediction", "|error|"];
        using var canvas = new Mat((names.Length * (ch + gap)) + gap, label + (columns * (cw + gap)), MatType.CV_8UC3, Scalar.White);
        for (int row = 0; row < names.Length; row++)
        {
            int y = gap + (row * (ch + gap));
            Cv2.PutText(canvas, names[row], new Point(4, y + (ch / 2) + 5), HersheyFonts.HersheySimplex, 0.45, Scalar.Black, 1, LineTypes.AntiAlias);
            int frames = row == 0 ? context.Frames : prediction.Frames;
            for (int t = 0; t < frames; t++)
            {
                using var tile = (row, truth) switch
                {
                    (0, _) => ToBgr(context, t, scale),
                    (1, null) => ToBgr(prediction, t, scale),
                    (1, _) => ToBgr(truth, t, scale),
                    (2, _) => ToBgr(prediction, t, scale),
                    _ => ErrorMap(truth!, prediction, t, scale),
                };
                using var roi = new Mat(canvas, new Rect(label + (t * (cw + gap)), y, cw, ch));
                tile.CopyTo(roi);
            }
        }

        WritePng(path, canvas);
    }

    /// <summary>Animated GIF: truth (left) and prediction (right), side by side, frame by frame.</summary>
    public static void WriteComparisonGif(string path, FrameClip context, FrameClip truth, FrameClip prediction, int delayMs = 200)
    {
        int scale = Math.Max(1, 128 / Math.Max(truth.Height, truth.Width));
        int cw = truth.Width * scale, ch = truth.Height * scale;
        var frames = new List<byte[]>();
        int total = context.Frames + truth.Frames;
        for (int t = 0; t < total; t++)
        {
            using var canvas = new Mat(ch, (2 * cw) + 4, MatType.CV_8UC3, Scalar.White);
            using var left = t < context.Frames ? ToBgr(context, t, scale) : ToBgr(truth, t - context.Frames, scale);
            using var right = t < context.Frames ? ToBgr(context, t, scale) : ToBgr(prediction, t - context.Frames, scale);
            using (var roi = new Mat(canvas, new Rect(0, 0, cw, ch)))
            {
                left.CopyTo(roi);
            }

            using (var roi = new Mat(canvas, new Rect(cw + 4, 0, cw, ch)))
            {
                right.CopyTo(roi);
            }

            var bytes = new byte[canvas.Rows * canvas.Cols * 3];
            System.Runtime.InteropServices.Marshal.Copy(canvas.Data, bytes, 0, bytes.Length);
            frames.Add(bytes);
        }

        Torch.AtomicFile.Write(path, s => GifWriter.Write(s, frames, (2 * cw) + 4, ch, delayMs));
    }

    public static void WritePng(string path, Mat image)
    {
        Cv2.ImEncode(".png", image, out var png);
        Torch.AtomicFile.Write(path, s => s.Write(png));
    }

    private static byte ToByte(float v) => (byte)Math.Clamp((int)MathF.Round(v * 255f), 0, 255);
}
