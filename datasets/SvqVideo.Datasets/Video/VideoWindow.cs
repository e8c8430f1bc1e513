namespace SvqVideo.Datasets.Video;

/// <summary>What <see cref="VideoWindow.Read"/> takes from a video: frames before a point, some after it, and the last few at full size.</summary>
public sealed record VideoWindowOptions
{
    /// <summary>Channels, colour order and the size frames are reduced to on read (null width/height keep the file's).</summary>
    public VideoReadOptions Read { get; init; } = new();

    /// <summary>Index of the frame the window ends before (the forecast point); null for the end of the video.</summary>
    public int? End { get; init; }

    /// <summary>How many frames before <see cref="End"/> to keep (fewer when the video starts later).</summary>
    public int Frames { get; init; } = 1;

    /// <summary>
    /// When set, the window is at least this long in the video's time as well: <see cref="Frames"/> is raised to the
    /// frames it spans at the file's frame rate.
    /// </summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>How many frames from <see cref="End"/> on to keep as well, when the video has them (with an explicit <see cref="End"/>).</summary>
    public int After { get; init; }

    /// <summary>How many of the last frames before <see cref="End"/> to keep at the file's own size as well.</summary>
    public int NativeFrames { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Read);
        Read.Validate();
        if (Read.FrameStep != 1 || Read.FrameOffset != 0 || Read.MaxFrames is not null)
        {
            throw new ArgumentException("a window counts every frame of the file: leave FrameStep, FrameOffset and MaxFrames at their defaults");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Frames, 1, nameof(Frames));
        ArgumentOutOfRangeException.ThrowIfNegative(After, nameof(After));
        ArgumentOutOfRangeException.ThrowIfNegative(NativeFrames, nameof(NativeFrames));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(NativeFrames, Frames, nameof(NativeFrames));
        if (Duration is { } d && (d <= TimeSpan.Zero || d.TotalDays > 366))
        {
            throw new ArgumentOutOfRangeException(nameof(Duration), d, "the window's duration must be positive and at most a year");
        }

        if (End is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(End), End, "the window must end after the first frame");
        }
    }
}

/// <summary>
/// The part of a video that forecasting needs, read without holding the rest: up to <see cref="VideoWindowOptions.Frames"/>
/// frames before a point at the reduced size, the frames after it that serve as truth, and the last few before it at the
/// file's own size. Memory is bounded by the window, not by the file; time too where the container can seek (the reader
/// seeks to the window's start instead of decoding the file from its beginning). Immutable once read.
/// </summary>
public sealed class VideoWindow
{
    private readonly byte[][] _native;

    private VideoWindow(string path, double fps, FrameFormat native, int start, int end, FrameClip before, FrameClip? after, byte[][] nativeFrames, int? length, bool seeked)
    {
        Path = path;
        Fps = fps;
        NativeFormat = native;
        Start = start;
        End = end;
        Before = before;
        After = after;
        _native = nativeFrames;
        Length = length;
        Seeked = seeked;
    }

    /// <summary>The video file.</summary>
    public string Path { get; }

    /// <summary>The file's frame rate (or the read options' fallback).</summary>
    public double Fps { get; }

    /// <summary>The file's own frame size, with the read's channels and colour order.</summary>
    public FrameFormat NativeFormat { get; }

    /// <summary>Index in the file of the first frame of <see cref="Before"/>.</summary>
    public int Start { get; }

    /// <summary>
    /// Index in the file of the frame the window ends before: the requested end, or the video's length when it ended
    /// earlier or no end was requested.
    /// </summary>
    public int End { get; }

    /// <summary>Frames [<see cref="Start"/>, <see cref="End"/>) at the reduced size.</summary>
    public FrameClip Before { get; }

    /// <summary>Frames from <see cref="End"/> on at the reduced size (at most <see cref="VideoWindowOptions.After"/>); null when there are none.</summary>
    public FrameClip? After { get; }

    /// <summary>Frames in the file, when the read reached its end; null when it stopped before.</summary>
    public int? Length { get; }

    /// <summary>Whether the container seeked to the window (false: the frames before it were decoded and dropped).</summary>
    public bool Seeked { get; }

    /// <summary>How many of the last frames before <see cref="End"/> are kept at the file's own size.</summary>
    public int NativeCount => _native.Length;

    /// <summary>
    /// Native frame <paramref name="index"/> of the <see cref="NativeCount"/> kept (0 is the earliest, the last is frame
    /// <see cref="End"/> − 1), as uint8 H×W×C in <see cref="NativeFormat"/>.
    /// </summary>
    public ReadOnlySpan<byte> NativeFrame(int index) => _native[index];

    /// <summary>Native frame <paramref name="index"/> as float C×H×W in [0, 1].</summary>
    public float[] NativeFrameAsFloat(int index)
    {
        var f = NativeFormat;
        var result = new float[f.FrameBytes];
        FrameConverter.ToPlanarFloat(_native[index], f.Height, f.Width, f.Channels, result);
        return result;
    }

    /// <summary>Reads the window <paramref name="options"/> describes from the video at <paramref name="path"/>.</summary>
    /// <exception cref="DatasetException">The file is missing, not a decodable video, or the window would not fit in memory.</exception>
    public static VideoWindow Read(string path, VideoWindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        using var reader = VideoFrameReader.Open(path, options.Read);
        if (options.Duration is { } duration)
        {
            double frames = Math.Ceiling(duration.TotalSeconds * reader.Fps);
            options = options with { Frames = (int)Math.Clamp(frames, options.Frames, int.MaxValue / 2) };
        }

        var format = reader.Format;
        long frameValues = (long)format.FrameBytes;
        long keep = (long)options.Frames + options.After;
        if (keep * frameValues > Array.MaxLength || (long)reader.NativeFormat.FrameBytes * options.NativeFrames > 64L << 30)
        {
            throw new DatasetException($"a window of {keep} frames of {format.Width}x{format.Height}x{format.Channels} does not fit in memory; ask for fewer frames or a smaller size", reader.Path);
        }

        return options.End is int end ? ReadTo(reader, options, end) : ReadToEnd(reader, options);
    }

    // An explicit end: seek to the window's start and read through the frames after the end.
    private static VideoWindow ReadTo(VideoFrameReader reader, VideoWindowOptions options, int end)
    {
        int start = Math.Max(0, end - options.Frames);
        reader.Seek(start);
        var sink = new WindowSink(reader, options.Frames + options.After, options.NativeFrames, end - options.NativeFrames, end);
        while (reader.Position < end + options.After && sink.ReadNext())
        {
        }

        int stop = sink.NextIndex;
        if (stop < end && stop <= start)
        {
            // The video ends before the window starts: the window is its last frames instead (End says where it ended).
            start = Math.Max(0, stop - options.Frames);
            reader.Seek(start);
            sink = new WindowSink(reader, options.Frames, options.NativeFrames, stop - options.NativeFrames, stop);
            while (reader.Position < stop && sink.ReadNext())
            {
            }
        }

        int? length = stop < end + options.After ? stop : null;
        return sink.Build(start, Math.Min(end, stop), length, reader.LastSeekUsedContainer);
    }

    // To the end of the video: seek to a little before where the container says the window starts, read to the end,
    // keep the last frames (the native-size copies only from near the reported end, as they cost a conversion each).
    // When the container overstated its length, read again from where the window really starts, now that the end is known.
    private static VideoWindow ReadToEnd(VideoFrameReader reader, VideoWindowOptions options)
    {
        int reported = reader.ReportedFrameCount;
        int margin = Math.Max(32, options.Frames / 4);
        int from = reported > 0 ? Math.Max(0, reported - options.Frames - margin) : 0;
        int nativeFrom = reported > 0 ? Math.Max(0, reported - options.NativeFrames - 8) : 0;
        reader.Seek(from);
        bool seeked = reader.LastSeekUsedContainer;
        var sink = new WindowSink(reader, options.Frames, options.NativeFrames, nativeFrom, null);
        while (sink.ReadNext())
        {
        }

        int length = sink.NextIndex;
        if ((from > 0 && length - from < options.Frames) || !sink.HoldsNativeUpTo(length))
        {
            from = Math.Max(0, length - options.Frames);
            reader.Seek(from);
            seeked = reader.LastSeekUsedContainer;
            sink = new WindowSink(reader, options.Frames, options.NativeFrames, length - options.NativeFrames, length);
            while (reader.Position < length && sink.ReadNext())
            {
            }
        }

        int kept = Math.Min(options.Frames, length);
        return sink.Build(length - kept, length, length, seeked);
    }

    /// <summary>Keeps the last frames read in rings, at the reduced size and (before the end) at the native size.</summary>
    private sealed class WindowSink
    {
        private readonly VideoFrameReader _reader;
        private readonly float[][] _frames;
        private readonly byte[][] _native;
        private readonly int _nativeFrom;
        private readonly int? _end;
        private long _count;
        private long _nativeCount;
        private int _nativeLast = -1;

        public WindowSink(VideoFrameReader reader, int capacity, int nativeCapacity, int nativeFrom, int? end)
        {
            _reader = reader;
            _frames = new float[capacity][];
            _native = new byte[nativeCapacity][];
            _nativeFrom = nativeFrom;
            _end = end;
        }

        /// <summary>Index in the file of the next frame.</summary>
        public int NextIndex => _reader.Position;

        public bool ReadNext()
        {
            int slot = (int)(_count % _frames.Length);
            var frame = _frames[slot] ??= new float[_reader.Format.FrameBytes];
            int index = _reader.Position;
            if (!_reader.ReadFrame(frame))
            {
                return false;
            }

            _count++;
            if (_native.Length > 0 && index >= _nativeFrom && (_end is not int end || index < end))
            {
                var native = _native[(int)(_nativeCount % _native.Length)] ??= new byte[_reader.NativeFormat.FrameBytes];
                _reader.CopyNativeFrame(native);
                _nativeCount++;
                _nativeLast = index;
            }

            return true;
        }

        /// <summary>Whether the native ring holds the frames just before <paramref name="end"/> (as many as it keeps).</summary>
        public bool HoldsNativeUpTo(int end) =>
            _native.Length == 0 || (_nativeLast == end - 1 && _nativeCount >= Math.Min(_native.Length, end));

        /// <summary>The window [start, end) and what follows it, from the frames in the rings (the last read is frame NextIndex − 1).</summary>
        public VideoWindow Build(int start, int end, int? length, bool seeked)
        {
            var f = _reader.Format;
            int last = NextIndex;
            int before = end - start;
            if (before < 1)
            {
                throw new DatasetException($"{_reader.Path} has no frames before frame {end}", _reader.Path);
            }

            int afterCount = last - end;
            var beforeClip = Collect(start, before, last, f);
            var afterClip = afterCount > 0 ? Collect(end, afterCount, last, f) : null;
            int nativeKept = (int)Math.Min(_nativeCount, Math.Min(_native.Length, before));
            var native = new byte[nativeKept][];
            for (int i = 0; i < nativeKept; i++)
            {
                native[i] = _native[(int)((_nativeCount - nativeKept + i) % _native.Length)];
            }

            return new VideoWindow(_reader.Path, _reader.Fps, _reader.NativeFormat, start, end, beforeClip, afterClip, native, length, seeked);
        }

        private FrameClip Collect(int first, int count, int last, FrameFormat f)
        {
            var data = new float[FrameClip.ValueCount(count, f.Channels, f.Height, f.Width)];
            int length = f.FrameBytes;
            for (int i = 0; i < count; i++)
            {
                // Frame `first + i` was read (last - 1 - (first + i)) reads before the newest.
                long age = last - 1L - (first + i);
                int slot = (int)((_count - 1 - age) % _frames.Length);
                _frames[slot].CopyTo(data, (long)i * length);
            }

            return new FrameClip(data, count, f.Channels, f.Height, f.Width);
        }
    }
}
