namespace SvqVideo.Datasets;

/// <summary>Receives the frames of a cache entry being built, in order. Not thread-safe; valid only inside the build callback.</summary>
public sealed class CacheWriter
{
    private readonly Stream _stream;

    internal CacheWriter(Stream stream, FrameFormat format)
    {
        _stream = stream;
        Format = format;
    }

    /// <summary>The format every frame must already have.</summary>
    public FrameFormat Format { get; }

    /// <summary>Frames written so far.</summary>
    public int Count { get; private set; }

    /// <summary>Appends one frame of <see cref="FrameFormat.FrameBytes"/> bytes (H×W×C).</summary>
    /// <exception cref="ArgumentException">The frame has the wrong length.</exception>
    public void Add(ReadOnlySpan<byte> frame)
    {
        if (frame.Length != Format.FrameBytes)
        {
            throw new ArgumentException($"frame has {frame.Length} bytes, the cache format {Format} needs {Format.FrameBytes}", nameof(frame));
        }

        _stream.Write(frame);
        Count++;
    }
}
