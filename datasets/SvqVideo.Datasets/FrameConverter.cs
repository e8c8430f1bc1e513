using OpenCvSharp;

namespace SvqVideo.Datasets;

/// <summary>
/// Turns one decoded OpenCV frame (BGR, BGRA or gray, any size) into uint8 H×W×C in a
/// <see cref="FrameFormat"/>, and uint8 H×W×C into float C×H×W in [0, 1]. Stateless, thread-safe.
/// </summary>
internal static class FrameConverter
{
    /// <summary>Converts <paramref name="decoded"/> into <paramref name="destination"/> (<see cref="FrameFormat.FrameBytes"/> bytes, H×W×C).</summary>
    public static void ToFormat(Mat decoded, FrameFormat format, Span<byte> destination)
    {
        if (decoded.Empty())
        {
            throw new ArgumentException("frame is empty", nameof(decoded));
        }

        if (decoded.Depth() != MatType.CV_8U)
        {
            throw new ArgumentException($"frame depth {decoded.Depth()} is not 8-bit", nameof(decoded));
        }

        using var halved = Halve(decoded, format);
        using var colour = ConvertColour(halved ?? decoded, format);
        using var sized = Fit(colour ?? halved ?? decoded, format);
        var final = sized ?? colour ?? halved ?? decoded;
        CopyPixels(final, destination[..format.FrameBytes]);
    }

    /// <summary>uint8 H×W×C → float C×H×W divided by 255.</summary>
    public static void ToPlanarFloat(ReadOnlySpan<byte> hwc, int height, int width, int channels, Span<float> chw)
    {
        int plane = height * width;
        if (channels == 1)
        {
            for (int i = 0; i < plane; i++)
            {
                chw[i] = hwc[i] / 255f;
            }

            return;
        }

        for (int c = 0; c < channels; c++)
        {
            var dst = chw.Slice(c * plane, plane);
            for (int i = 0, j = c; i < plane; i++, j += channels)
            {
                dst[i] = hwc[j] / 255f;
            }
        }
    }

    /// <summary>
    /// For an area resize to a frame at least four times smaller on both sides (a 1080p video read at 64×64): halves the
    /// frame by 2×2 averaging while it stays that large, so the final area resize works on a small frame. OpenCV's area
    /// resize at a non-integer ratio cost 22 ms for 1920×1080 → 64×64, against about 8 ms with the halvings; the result
    /// differs from the direct one by 8-bit rounding and, where the ratio is not a whole number, by how the partly covered
    /// source pixels at block edges are weighted. Null when nothing is halved.
    /// </summary>
    private static Mat? Halve(Mat src, FrameFormat format)
    {
        if (format.Interpolation != FrameInterpolation.Area || format.Resize != ResizeMode.Stretch)
        {
            return null;
        }

        Mat? current = null;
        int cols = src.Cols, rows = src.Rows;
        while (cols >= 4 * format.Width && rows >= 4 * format.Height)
        {
            (cols, rows) = (cols / 2, rows / 2);
            var next = new Mat();
            Cv2.Resize(current ?? src, next, new Size(cols, rows), 0, 0, InterpolationFlags.Area);
            current?.Dispose();
            current = next;
        }

        return current;
    }

    private static Mat? ConvertColour(Mat src, FrameFormat format)
    {
        int cn = src.Channels();
        ColorConversionCodes? code = (format.Channels, cn, format.ChannelOrder) switch
        {
            (1, 1, _) => null,
            (1, 3, _) => ColorConversionCodes.BGR2GRAY,
            (1, 4, _) => ColorConversionCodes.BGRA2GRAY,
            (3, 1, _) => ColorConversionCodes.GRAY2BGR,
            (3, 3, ChannelOrder.Bgr) => null,
            (3, 3, ChannelOrder.Rgb) => ColorConversionCodes.BGR2RGB,
            (3, 4, ChannelOrder.Bgr) => ColorConversionCodes.BGRA2BGR,
            (3, 4, ChannelOrder.Rgb) => ColorConversionCodes.BGRA2RGB,
            _ => throw new ArgumentException($"frames with {cn} channels are not supported"),
        };
        if (code is null)
        {
            return null;
        }

        var dst = new Mat();
        Cv2.CvtColor(src, dst, code.Value);
        return dst;
    }

    private static Mat? Fit(Mat src, FrameFormat format)
    {
        if (src.Rows == format.Height && src.Cols == format.Width)
        {
            return null;
        }

        var flags = format.Interpolation switch
        {
            FrameInterpolation.Cubic => InterpolationFlags.Cubic,
            FrameInterpolation.Area => InterpolationFlags.Area,
            FrameInterpolation.Nearest => InterpolationFlags.Nearest,
            _ => InterpolationFlags.Linear,
        };
        var dst = new Mat();
        if (format.Resize == ResizeMode.Stretch)
        {
            Cv2.Resize(src, dst, new Size(format.Width, format.Height), 0, 0, flags);
            return dst;
        }

        // Scale so the frame covers the target, rounding the other side as PredNet's process_im does,
        // then cut the centre with the offset truncated toward zero.
        double scale = Math.Max((double)format.Height / src.Rows, (double)format.Width / src.Cols);
        int h = Math.Max(format.Height, (int)Math.Round(scale * src.Rows, MidpointRounding.ToEven));
        int w = Math.Max(format.Width, (int)Math.Round(scale * src.Cols, MidpointRounding.ToEven));
        using var scaled = new Mat();
        Cv2.Resize(src, scaled, new Size(w, h), 0, 0, flags);
        int top = (h - format.Height) / 2;
        int left = (w - format.Width) / 2;
        using var roi = new Mat(scaled, new Rect(left, top, format.Width, format.Height));
        roi.CopyTo(dst);
        return dst;
    }

    private static void CopyPixels(Mat mat, Span<byte> destination)
    {
        int rowBytes = mat.Cols * mat.Channels();
        if (mat.IsContinuous())
        {
            mat.AsSpan<byte>()[..destination.Length].CopyTo(destination);
            return;
        }

        int rows = mat.Rows;
        for (int r = 0; r < rows; r++)
        {
            mat.RowSpan<byte>(r)[..rowBytes].CopyTo(destination.Slice(r * rowBytes, rowBytes));
        }
    }
}
