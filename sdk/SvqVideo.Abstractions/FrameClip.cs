namespace SvqVideo;

/// <summary>
/// A clip of video frames: float32 values in [0, 1], laid out contiguously as T×C×H×W
/// (frame, channel, row, column; row-major). Channel order is the producer's (the SDK's readers
/// give RGB for colour video). The object is immutable after construction, so it is safe to share
/// between threads; <see cref="Data"/> returns a read-only view, never a copy.
/// </summary>
public sealed class FrameClip
{
    private readonly float[] _data;

    /// <summary>Wraps <paramref name="data"/> (not copied; do not modify it afterwards) as a T×C×H×W clip.</summary>
    /// <exception cref="ArgumentException">A dimension is not positive or the length is not T·C·H·W.</exception>
    public FrameClip(float[] data, int frames, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (frames <= 0 || channels <= 0 || height <= 0 || width <= 0)
        {
            throw new ArgumentException($"clip dimensions must be positive, got {frames}x{channels}x{height}x{width}");
        }

        long expected = ValueCount(frames, channels, height, width);
        if (data.LongLength != expected)
        {
            throw new ArgumentException($"clip data has {data.LongLength} values but {frames}x{channels}x{height}x{width} needs {expected}", nameof(data));
        }

        _data = data;
        Frames = frames;
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>The most values one clip can hold: the largest array of floats .NET allocates (about 2^31).</summary>
    public static long MaxValues => Array.MaxLength;

    /// <summary>
    /// T·C·H·W in 64 bits, for sizing a clip before allocating it: a video's frames times its pixels easily passes
    /// 2^31 (a minute of 720p colour is 5·10^9 values), so this count is never done in 32 bits.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    public static long ValueCount(int frames, int channels, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        ArgumentOutOfRangeException.ThrowIfNegative(channels);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        return checked((long)frames * channels * height * width);
    }

    /// <summary>
    /// A zeroed T×C×H×W buffer for a new clip, or one line saying why it cannot be one (more values than
    /// <see cref="MaxValues"/>), instead of an overflow deep inside a copy.
    /// </summary>
    /// <exception cref="ArgumentException">The clip would hold more than <see cref="MaxValues"/> values.</exception>
    public static float[] Allocate(int frames, int channels, int height, int width)
    {
        long count = ValueCount(frames, channels, height, width);
        if (count > MaxValues)
        {
            throw new ArgumentException($"{frames} frames of {width}x{height}x{channels} are {count:N0} values, more than one clip holds ({MaxValues:N0}); use fewer frames or a smaller frame size");
        }

        return new float[count];
    }

    /// <summary>Number of frames T.</summary>
    public int Frames { get; }

    /// <summary>Number of channels C (1 for grayscale, 3 for colour).</summary>
    public int Channels { get; }

    /// <summary>Frame height H in pixels.</summary>
    public int Height { get; }

    /// <summary>Frame width W in pixels.</summary>
    public int Width { get; }

    /// <summary>Values per frame, C·H·W.</summary>
    public int FrameLength => Channels * Height * Width;

    /// <summary>All values, T×C×H×W, row-major.</summary>
    public ReadOnlyMemory<float> Data => _data;

    /// <summary>The values of frame <paramref name="index"/> (C×H×W).</summary>
    public ReadOnlySpan<float> Frame(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Frames);
        return _data.AsSpan(Offset(index), FrameLength);
    }

    /// <summary>A new clip holding frames [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) (copied).</summary>
    public FrameClip Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Frames);
        var data = Allocate(count, Channels, Height, Width);
        _data.AsSpan(Offset(start), data.Length).CopyTo(data);
        return new FrameClip(data, count, Channels, Height, Width);
    }

    /// <summary>Concatenates clips of equal frame shape along time (copied).</summary>
    /// <exception cref="ArgumentException">The clips differ in channels, height or width, or none is given.</exception>
    public static FrameClip Concat(params FrameClip[] clips)
    {
        ArgumentNullException.ThrowIfNull(clips);
        if (clips.Length == 0)
        {
            throw new ArgumentException("at least one clip is needed", nameof(clips));
        }

        var first = clips[0];
        int frames = 0;
        foreach (var c in clips)
        {
            if (c.Channels != first.Channels || c.Height != first.Height || c.Width != first.Width)
            {
                throw new ArgumentException($"cannot concatenate a {c.Channels}x{c.Height}x{c.Width} clip with a {first.Channels}x{first.Height}x{first.Width} one", nameof(clips));
            }

            frames = checked(frames + c.Frames);
        }

        var data = Allocate(frames, first.Channels, first.Height, first.Width);
        long offset = 0;
        foreach (var c in clips)
        {
            c._data.CopyTo(data, offset);
            offset += c._data.LongLength;
        }

        return new FrameClip(data, frames, first.Channels, first.Height, first.Width);
    }

    // A frame's first value; within the array, so below 2^31, but counted in 64 bits.
    private int Offset(int frame) => (int)((long)frame * FrameLength);

    /// <summary>The shape as text, e.g. <c>10x1x64x64</c>.</summary>
    public override string ToString() => $"{Frames}x{Channels}x{Height}x{Width}";
}
