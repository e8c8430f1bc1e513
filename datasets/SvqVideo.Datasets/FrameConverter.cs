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

        using var colour = ConvertColour(decoded, format);
        using var sized = Fit(colour ?? decoded, format);
        var final = sized ?? colour ?? decoded;
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
