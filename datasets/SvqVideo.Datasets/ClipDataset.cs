using System.Buffers;

namespace SvqVideo.Datasets;

/// <summary>
/// Clips cut from decoded sources (videos, image sequences, recordings): what the KTH, Human3.6M,
/// KittiCaltech and video-folder readers return. <see cref="CopyClip"/> is thread-safe. Disposing
/// releases the memory-mapped frame caches; no clip may be read afterwards.
/// </summary>
public sealed class ClipDataset : IClipDataset, IDisposable
{
    private readonly IFrameSource[] _sources;
    private readonly ClipRef[] _clips;

    internal ClipDataset(string name, FrameFormat format, int framesIn, int framesOut, IFrameSource[] sources, ClipRef[] clips)
    {
        Name = name;
        Format = format;
        FramesIn = framesIn;
        FramesOut = framesOut;
        _sources = sources;
        _clips = clips;
        SourceNames = [.. sources.Select(s => s.Name)];
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Shape and colour layout of every frame.</summary>
    public FrameFormat Format { get; }

    /// <inheritdoc />
    public int Count => _clips.Length;

    /// <inheritdoc />
    public int FramesIn { get; }

    /// <inheritdoc />
    public int FramesOut { get; }

    /// <inheritdoc />
    public int Channels => Format.Channels;

    /// <inheritdoc />
    public int Height => Format.Height;

    /// <inheritdoc />
    public int Width => Format.Width;

    /// <summary>Frames per clip, FramesIn + FramesOut.</summary>
    public int ClipLength => FramesIn + FramesOut;

    /// <summary>The sources the clips come from (names relative to the data folder), in dataset order.</summary>
    public IReadOnlyList<string> SourceNames { get; }

    /// <summary>Where clip <paramref name="index"/> comes from.</summary>
    public ClipOrigin Origin(int index)
    {
        var c = _clips[index];
        var source = _sources[c.Source];
        var numbers = new int[ClipLength];
        for (int t = 0; t < numbers.Length; t++)
        {
            numbers[t] = source.FrameNumber(c.Start + (t * c.Step));
        }

        return new ClipOrigin(source.Name, numbers);
    }

    /// <inheritdoc />
    public void CopyClip(int index, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int frameValues = Format.FrameBytes;
        if (destination.Length < ClipLength * frameValues)
        {
            throw new ArgumentException($"destination holds {destination.Length} values, a clip needs {ClipLength * frameValues}", nameof(destination));
        }

        var c = _clips[index];
        var source = _sources[c.Source];
        byte[] buffer = ArrayPool<byte>.Shared.Rent(frameValues);
        try
        {
            for (int t = 0; t < ClipLength; t++)
            {
                var pixels = buffer.AsSpan(0, frameValues);
                source.CopyFrame(c.Start + (t * c.Step), pixels);
                FrameConverter.ToPlanarFloat(pixels, Height, Width, Channels, destination.Slice(t * frameValues, frameValues));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Clip <paramref name="index"/> as a new <see cref="FrameClip"/> (T×C×H×W).</summary>
    public FrameClip ReadClip(int index)
    {
        var data = new float[ClipLength * Format.FrameBytes];
        CopyClip(index, data);
        return new FrameClip(data, ClipLength, Channels, Height, Width);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var s in _sources)
        {
            s.Dispose();
        }
    }
}
