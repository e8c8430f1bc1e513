using OpenCvSharp;

namespace SvqVideo.Datasets.Video;

/// <summary>
/// Streams the frames of one video file through OpenCV, converted to a <see cref="FrameFormat"/>.
/// Opening decodes the first frame, so a file that is not a video, is truncated or has no frames fails
/// at <see cref="Open"/> with a one-line <see cref="DatasetException"/>. Only the frame being converted is held,
/// so memory does not grow with the video's length; <see cref="Seek"/> moves to a frame without decoding the ones
/// before it where the container allows. Not thread-safe; dispose it.
/// </summary>
public sealed class VideoFrameReader : IDisposable
{
    private VideoCapture _capture;
    private readonly Mat _frame = new();
    private readonly VideoReadOptions _options;
    private bool _pending;
    private int _decoded;
    private bool _ended;
    private byte[]? _bytes;

    private VideoFrameReader(string path, VideoCapture capture, VideoReadOptions options, FrameFormat format, double fps, int reportedCount, int nativeWidth, int nativeHeight)
    {
        Path = path;
        _capture = capture;
        _options = options;
        Format = format;
        Fps = fps;
        ReportedFrameCount = reportedCount;
        NativeWidth = nativeWidth;
        NativeHeight = nativeHeight;
    }

    /// <summary>The video file.</summary>
    public string Path { get; }

    /// <summary>Shape and colour layout of produced frames.</summary>
    public FrameFormat Format { get; }

    /// <summary>Frame rate of the file, or the fallback when the file reports none.</summary>
    public double Fps { get; }

    /// <summary>The container's frame count (may be 0 or approximate; count by reading when it matters).</summary>
    public int ReportedFrameCount { get; }

    /// <summary>Width of the decoded frames before resizing.</summary>
    public int NativeWidth { get; }

    /// <summary>Height of the decoded frames before resizing.</summary>
    public int NativeHeight { get; }

    /// <summary>Frames produced so far.</summary>
    public int FramesRead { get; private set; }

    /// <summary>
    /// The index in the file (counting every decoded frame from 0, before <see cref="VideoReadOptions.FrameStep"/> and
    /// <see cref="VideoReadOptions.FrameOffset"/> apply) of the frame the next read looks at.
    /// </summary>
    public int Position => _decoded;

    /// <summary>Whether the last <see cref="Seek"/> was done by the container (false: it decoded its way there).</summary>
    public bool LastSeekUsedContainer { get; private set; }

    /// <summary>The format of <see cref="CopyNativeFrame"/>: the file's own size, with this reader's channels and colour order.</summary>
    public FrameFormat NativeFormat => new(NativeHeight, NativeWidth, Format.Channels, Format.ChannelOrder);

    /// <summary>Opens <paramref name="path"/> and decodes its first frame.</summary>
    /// <exception cref="DatasetException">The file is missing, empty, not a decodable video, or has no frames.</exception>
    public static VideoFrameReader Open(string path, VideoReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new VideoReadOptions();
        options.Validate();
        string full = System.IO.Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (!info.Exists)
        {
            throw new DatasetException($"video not found: {full}; check the path", full);
        }

        if (info.Length == 0)
        {
            throw new DatasetException($"video file is empty: {full}; replace it with a complete video", full);
        }

        var capture = new VideoCapture(full);
        try
        {
            if (!capture.IsOpened())
            {
                throw new DatasetException($"cannot decode video {full} (not a video, truncated or an unsupported codec); re-encode it, e.g. to H.264 or MPEG-4 in .mp4", full);
            }

            double fps = capture.Fps;
            if (!(fps > 0) || double.IsInfinity(fps))
            {
                fps = options.FallbackFps;
            }

            int reported = Math.Max(0, capture.FrameCount);
            var first = new Mat();
            bool any = capture.Read(first) && !first.Empty();
            if (!any)
            {
                first.Dispose();
                throw new DatasetException($"video has no decodable frames: {full}; re-encode or replace it", full);
            }

            int height = options.Height ?? first.Rows;
            int width = options.Width ?? first.Cols;
            var format = new FrameFormat(height, width, options.Channels, options.ChannelOrder, options.Resize, options.Interpolation);
            var reader = new VideoFrameReader(full, capture, options, format, fps, reported, first.Cols, first.Rows);
            first.CopyTo(reader._frame);
            first.Dispose();
            reader._pending = true;
            return reader;
        }
        catch
        {
            capture.Dispose();
            throw;
        }
    }

    /// <summary>Reads the next kept frame as uint8 H×W×C into <paramref name="destination"/>; false at the end of the video.</summary>
    public bool ReadFrame(Span<byte> destination)
    {
        if (!Advance())
        {
            return false;
        }

        Convert(destination);
        return true;
    }

    /// <summary>Reads the next kept frame as float C×H×W in [0, 1]; false at the end of the video.</summary>
    public bool ReadFrame(Span<float> destination)
    {
        if (!Advance())
        {
            return false;
        }

        _bytes ??= new byte[Format.FrameBytes];
        Convert(_bytes);
        FrameConverter.ToPlanarFloat(_bytes, Format.Height, Format.Width, Format.Channels, destination);
        return true;
    }

    /// <summary>
    /// Copies the frame the last successful read produced, at the file's own size (<see cref="NativeFormat"/>), as uint8
    /// H×W×C into <paramref name="destination"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No frame has been read yet.</exception>
    public void CopyNativeFrame(Span<byte> destination)
    {
        if (FramesRead == 0 || _frame.Empty())
        {
            throw new InvalidOperationException("no frame has been read yet");
        }

        try
        {
            FrameConverter.ToFormat(_frame, NativeFormat, destination);
        }
        catch (OpenCVException e)
        {
            throw new DatasetException($"cannot convert frame {_decoded - 1} of {Path}: {e.Message}; re-encode the video", Path, e);
        }
    }

    /// <summary>
    /// Moves to frame <paramref name="frame"/> of the file (numbered as <see cref="Position"/>), so that the next read
    /// produces the first kept frame at or after it. The container seeks when it can, and the landing is checked
    /// against the frame's timestamp; when the container cannot seek, lands elsewhere or
    /// <see cref="VideoReadOptions.AllowSeek"/> is false, the reader decodes its way there instead (from the start
    /// when going back). Past the end, the next read returns false.
    /// </summary>
    public void Seek(int frame)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frame);
        LastSeekUsedContainer = false;
        if (frame == _decoded)
        {
            return;
        }

        if (_options.AllowSeek && frame > 0 && TryContainerSeek(frame))
        {
            LastSeekUsedContainer = true;
            return;
        }

        if (frame < _decoded)
        {
            Restart();
        }

        while (_decoded < frame)
        {
            if (_pending)
            {
                _pending = false;
            }
            else if (_ended || !_capture.Grab())
            {
                // The file ends first: Position stays at its length.
                _ended = true;
                return;
            }

            _decoded++;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _frame.Dispose();
        _capture.Dispose();
    }

    // The container's own seek, accepted only when the frame it lands on carries frame's timestamp (half a frame of
    // tolerance): OpenCV's FFmpeg back end decodes from the keyframe before the target, which is exact for the
    // constant-frame-rate files tested (H.264, MPEG-4, Motion JPEG, VP9), and a variable-rate file fails the check.
    private bool TryContainerSeek(int frame)
    {
        bool moved;
        try
        {
            moved = _capture.Set(VideoCaptureProperties.PosFrames, frame) && (int)Math.Round(_capture.Get(VideoCaptureProperties.PosFrames)) == frame;
        }
        catch (OpenCVException)
        {
            moved = false;
        }

        if (!moved || !_capture.Read(_frame) || _frame.Empty())
        {
            Restart();
            return false;
        }

        double expected = frame * 1000.0 / Fps, landed = _capture.Get(VideoCaptureProperties.PosMsec);
        if (Math.Abs(landed - expected) > 500.0 / Fps)
        {
            Restart();
            return false;
        }

        _decoded = frame;
        _pending = true;
        _ended = false;
        return true;
    }

    // Back to the first frame, by opening the file again (after a failed seek the capture's position is unknown).
    private void Restart()
    {
        _capture.Dispose();
        _capture = new VideoCapture(Path);
        _decoded = 0;
        _ended = false;
        _pending = false;
        if (!_capture.IsOpened())
        {
            _ended = true;
        }
    }

    private void Convert(Span<byte> destination)
    {
        try
        {
            FrameConverter.ToFormat(_frame, Format, destination);
        }
        catch (OpenCVException e)
        {
            throw new DatasetException($"cannot convert frame {_decoded - 1} of {Path}: {e.Message}; re-encode the video", Path, e);
        }

        FramesRead++;
    }

    // Moves _frame to the next frame that the step/offset/max options keep.
    private bool Advance()
    {
        if (_ended || (_options.MaxFrames is int max && FramesRead >= max))
        {
            return false;
        }

        while (true)
        {
            if (_pending)
            {
                _pending = false;
            }
            else if (!_capture.Read(_frame) || _frame.Empty())
            {
                _ended = true;
                return false;
            }

            int index = _decoded++;
            if (index >= _options.FrameOffset && (index - _options.FrameOffset) % _options.FrameStep == 0)
            {
                return true;
            }
        }
    }
}
