using OpenCvSharp;

namespace SvqVideo.Datasets.Video;

/// <summary>
/// Writes frames to a video file atomically: frames go to a temporary file beside the target that
/// keeps the extension (OpenCV picks the container from it), and <see cref="Complete"/> closes it and
/// renames it over the target. Disposing without <see cref="Complete"/> deletes the temporary file and
/// leaves the target untouched. Every frame is checked against the size and channels given at
/// construction (OpenCV would silently drop a mismatching frame). Motion JPEG in <c>.avi</c> (the default there)
/// goes through OpenCV's own MJPEG writer, which keeps any frame size. The FFmpeg encoders (MPEG-4 in
/// <c>.mp4</c>) need even sizes (OpenCV would crop an odd one): odd widths/heights are padded by repeating
/// the last column/row, so the file is <see cref="EncodedWidth"/>×<see cref="EncodedHeight"/> and its
/// top-left <see cref="Width"/>×<see cref="Height"/> holds the frames. Not thread-safe.
/// </summary>
public sealed class VideoFileWriter : IDisposable
{
    private readonly VideoWriter _writer;
    private readonly string _tempPath;
    private readonly Mat _bgr;
    private readonly ChannelOrder _order;
    private readonly byte[] _pixels;
    private bool _completed;
    private bool _disposed;

    /// <summary>Opens a writer for <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/> frames at <paramref name="fps"/>.</summary>
    /// <exception cref="ArgumentException">A size, channel count or frame rate is invalid.</exception>
    /// <exception cref="DirectoryNotFoundException">The target folder does not exist.</exception>
    /// <exception cref="IOException">The encoder cannot be opened for this codec/extension.</exception>
    public VideoFileWriter(string path, int width, int height, int channels, double fps, VideoWriteOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 (gray) or 3 (colour)");
        }

        if (!(fps > 0) || double.IsInfinity(fps))
        {
            throw new ArgumentOutOfRangeException(nameof(fps), fps, "frame rate must be a positive number");
        }

        options ??= new VideoWriteOptions();
        Path = System.IO.Path.GetFullPath(path);
        string dir = System.IO.Path.GetDirectoryName(Path) ?? ".";
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"output folder does not exist: {dir}");
        }

        string ext = System.IO.Path.GetExtension(Path);
        string fourcc = options.FourCC ?? DefaultFourCC(ext);
        if (fourcc.Length != 4)
        {
            throw new ArgumentException($"FourCC must have four characters, got '{fourcc}'", nameof(options));
        }

        Width = width;
        Height = height;
        Channels = channels;
        Fps = fps;
        _order = options.ChannelOrder;
        _tempPath = System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileNameWithoutExtension(Path)}.{Guid.NewGuid():N}.tmp{ext}");
        bool ownMjpeg = fourcc == "MJPG" && ext.Equals(".avi", StringComparison.OrdinalIgnoreCase);
        EncodedWidth = ownMjpeg ? width : width + (width & 1);
        EncodedHeight = ownMjpeg ? height : height + (height & 1);
        _writer = ownMjpeg
            ? new VideoWriter(_tempPath, VideoCaptureAPIs.OPENCV_MJPEG, FourCC.FromString(fourcc), fps, new Size(EncodedWidth, EncodedHeight), isColor: true)
            : new VideoWriter(_tempPath, FourCC.FromString(fourcc), fps, new Size(EncodedWidth, EncodedHeight), isColor: true);
        if (!_writer.IsOpened())
        {
            _writer.Dispose();
            TryDelete(_tempPath);
            throw new IOException($"cannot open a '{fourcc}' video encoder for {Path}; use .mp4 (mp4v) or .avi (MJPG)");
        }

        _bgr = new Mat(EncodedHeight, EncodedWidth, MatType.CV_8UC3);
        _pixels = new byte[width * height * channels];
    }

    /// <summary>The target file.</summary>
    public string Path { get; }

    /// <summary>Frame width every written frame must have.</summary>
    public int Width { get; }

    /// <summary>Frame height every written frame must have.</summary>
    public int Height { get; }

    /// <summary>Width in the file: <see cref="Width"/>, rounded up to even except for Motion JPEG in <c>.avi</c>.</summary>
    public int EncodedWidth { get; }

    /// <summary>Height in the file: <see cref="Height"/>, rounded up to even except for Motion JPEG in <c>.avi</c>.</summary>
    public int EncodedHeight { get; }

    /// <summary>Channels every written frame must have (1 or 3).</summary>
    public int Channels { get; }

    /// <summary>Frame rate written to the file.</summary>
    public double Fps { get; }

    /// <summary>Frames written so far.</summary>
    public int FramesWritten { get; private set; }

    /// <summary>Writes one C×H×W frame of values in [0, 1] (clamped, then rounded to 8 bits).</summary>
    /// <exception cref="ArgumentException">The frame does not have C·H·W values.</exception>
    public void Write(ReadOnlySpan<float> frame)
    {
        ThrowIfClosed();
        int plane = Width * Height;
        if (frame.Length != plane * Channels)
        {
            throw new ArgumentException($"frame has {frame.Length} values but the writer for {Path} expects {Channels}x{Height}x{Width} = {plane * Channels}", nameof(frame));
        }

        for (int c = 0; c < Channels; c++)
        {
            var src = frame.Slice(c * plane, plane);
            for (int i = 0, j = c; i < plane; i++, j += Channels)
            {
                float v = src[i];
                _pixels[j] = v >= 1f ? (byte)255 : v > 0f ? (byte)MathF.Round(v * 255f) : (byte)0;
            }
        }

        WritePixels();
    }

    /// <summary>
    /// Writes one frame of uint8 H×W×C pixels in the writer's channel order, as a <see cref="VideoFrameReader"/> with
    /// the same channels and order produces them (no conversion through floats).
    /// </summary>
    /// <exception cref="ArgumentException">The frame does not have H·W·C values.</exception>
    public void Write(ReadOnlySpan<byte> pixels)
    {
        ThrowIfClosed();
        if (pixels.Length != _pixels.Length)
        {
            throw new ArgumentException($"frame has {pixels.Length} pixel values but the writer for {Path} expects {Height}x{Width}x{Channels} = {_pixels.Length}", nameof(pixels));
        }

        pixels.CopyTo(_pixels);
        WritePixels();
    }

    /// <summary>Writes every frame of <paramref name="clip"/>.</summary>
    /// <exception cref="ArgumentException">The clip's frame shape differs from the writer's.</exception>
    public void Write(FrameClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.Channels != Channels || clip.Height != Height || clip.Width != Width)
        {
            throw new ArgumentException($"clip frames are {clip.Channels}x{clip.Height}x{clip.Width} but the writer for {Path} expects {Channels}x{Height}x{Width}", nameof(clip));
        }

        for (int t = 0; t < clip.Frames; t++)
        {
            Write(clip.Frame(t));
        }
    }

    /// <summary>Closes the encoder and renames the finished file over <see cref="Path"/>.</summary>
    /// <exception cref="InvalidOperationException">No frame was written.</exception>
    public void Complete()
    {
        ThrowIfClosed();
        if (FramesWritten == 0)
        {
            throw new InvalidOperationException($"no frame was written to {Path}; a video needs at least one frame");
        }

        _writer.Dispose();
        _completed = true;
        try
        {
            File.Move(_tempPath, Path, overwrite: true);
        }
        catch
        {
            TryDelete(_tempPath);
            throw;
        }
        finally
        {
            _bgr.Dispose();
        }
    }

    /// <summary>Releases the encoder; without <see cref="Complete"/> the partial file is deleted and the target untouched.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_completed)
        {
            _writer.Dispose();
            _bgr.Dispose();
            TryDelete(_tempPath);
        }
    }

    private static string DefaultFourCC(string extension) => extension.ToLowerInvariant() switch
    {
        ".avi" => "MJPG",
        _ => "mp4v",
    };

    private void WritePixels()
    {
        var dst = _bgr.AsSpan<byte>();
        int rowBytes = EncodedWidth * 3;
        for (int y = 0; y < EncodedHeight; y++)
        {
            int sy = Math.Min(y, Height - 1);
            var row = dst.Slice(y * rowBytes, rowBytes);
            for (int x = 0; x < EncodedWidth; x++)
            {
                int i = ((sy * Width) + Math.Min(x, Width - 1)) * Channels;
                int o = x * 3;
                if (Channels == 1)
                {
                    row[o] = row[o + 1] = row[o + 2] = _pixels[i];
                }
                else if (_order == ChannelOrder.Rgb)
                {
                    row[o] = _pixels[i + 2];
                    row[o + 1] = _pixels[i + 1];
                    row[o + 2] = _pixels[i];
                }
                else
                {
                    row[o] = _pixels[i];
                    row[o + 1] = _pixels[i + 1];
                    row[o + 2] = _pixels[i + 2];
                }
            }
        }

        _writer.Write(_bgr);
        FramesWritten++;
    }

    private void ThrowIfClosed()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException($"the writer for {Path} is already completed");
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
