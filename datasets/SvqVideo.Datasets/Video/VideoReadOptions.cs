namespace SvqVideo.Datasets.Video;

/// <summary>How frames are taken from a video file. Null members mean "as the file has it".</summary>
public sealed record VideoReadOptions
{
    /// <summary>1 (gray) or 3 (colour, the default).</summary>
    public int Channels { get; init; } = 3;

    /// <summary>Colour order of produced frames (RGB by default; OpenCV decodes BGR).</summary>
    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Rgb;

    /// <summary>Output height; null keeps the video's (then <see cref="Width"/> must be null too).</summary>
    public int? Height { get; init; }

    /// <summary>Output width; null keeps the video's.</summary>
    public int? Width { get; init; }

    /// <summary>How frames of another size are fitted to Height×Width.</summary>
    public ResizeMode Resize { get; init; } = ResizeMode.Stretch;

    /// <summary>Resampling filter.</summary>
    public FrameInterpolation Interpolation { get; init; } = FrameInterpolation.Area;

    /// <summary>Keep every k-th decoded frame (1 keeps all).</summary>
    public int FrameStep { get; init; } = 1;

    /// <summary>0-based index of the first kept frame (Caltech keeps frames 2, 5, 8, … : offset 2, step 3).</summary>
    public int FrameOffset { get; init; }

    /// <summary>Stop after this many kept frames; null reads to the end.</summary>
    public int? MaxFrames { get; init; }

    /// <summary>
    /// Whether <see cref="VideoFrameReader.Seek"/> may ask the container to seek (true, the default) or must decode its
    /// way to the frame (for a file whose container seeks wrongly).
    /// </summary>
    public bool AllowSeek { get; init; } = true;

    /// <summary>Frame rate reported when the file's is missing, zero or not finite.</summary>
    public double FallbackFps { get; init; } = 25;

    internal void Validate()
    {
        if (Channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "channels must be 1 (gray) or 3 (colour)");
        }

        if (Height is null != Width is null)
        {
            throw new ArgumentException("give both Height and Width, or neither to keep the video's size");
        }

        if (Height is < 1 || Width is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Height), "output size must be positive");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(FrameStep, 1, nameof(FrameStep));
        ArgumentOutOfRangeException.ThrowIfNegative(FrameOffset, nameof(FrameOffset));
        if (MaxFrames is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFrames), MaxFrames, "must be positive");
        }

        if (!(FallbackFps > 0) || double.IsInfinity(FallbackFps))
        {
            throw new ArgumentOutOfRangeException(nameof(FallbackFps), FallbackFps, "must be a positive number");
        }
    }
}
