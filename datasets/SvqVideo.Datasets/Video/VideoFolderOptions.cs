namespace SvqVideo.Datasets.Video;

/// <summary>How clips are cut from a folder of videos (or one video). Frames are resized to Height×Width.</summary>
public sealed record VideoFolderOptions
{
    /// <summary>Context frames per clip.</summary>
    public int FramesIn { get; init; } = 10;

    /// <summary>Target frames per clip.</summary>
    public int FramesOut { get; init; } = 10;

    /// <summary>Frames between the starts of consecutive clips; null makes clips non-overlapping.</summary>
    public int? Stride { get; init; }

    /// <summary>Keep every k-th decoded frame before cutting clips (temporal subsampling).</summary>
    public int FrameStep { get; init; } = 1;

    /// <summary>Frame height after resizing.</summary>
    public int Height { get; init; } = 64;

    /// <summary>Frame width after resizing.</summary>
    public int Width { get; init; } = 64;

    /// <summary>1 (gray) or 3 (colour).</summary>
    public int Channels { get; init; } = 3;

    /// <summary>Colour order of produced frames.</summary>
    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Rgb;

    /// <summary>How frames of another aspect ratio are fitted.</summary>
    public ResizeMode Resize { get; init; } = ResizeMode.Stretch;

    /// <summary>Resampling filter.</summary>
    public FrameInterpolation Interpolation { get; init; } = FrameInterpolation.Area;

    /// <summary>Look into subfolders too.</summary>
    public bool Recursive { get; init; } = true;

    /// <summary>File extensions taken as videos (case-insensitive).</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [".mp4", ".avi", ".mkv", ".mov", ".m4v", ".webm"];

    /// <summary>Fraction of videos (whole videos, evenly spread in name order) held out for validation when a split is asked for.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Fraction of videos held out for test when a split is asked for.</summary>
    public double TestFraction { get; init; } = 0.1;

    /// <summary>Frame cache folder; null uses <see cref="FrameCache.DefaultDirectory"/>.</summary>
    public string? CacheDirectory { get; init; }

    internal FrameFormat Format => new(Height, Width, Channels, ChannelOrder, Resize, Interpolation);

    internal int ClipLength => FramesIn + FramesOut;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(FramesIn, 1, nameof(FramesIn));
        ArgumentOutOfRangeException.ThrowIfNegative(FramesOut, nameof(FramesOut));
        ArgumentOutOfRangeException.ThrowIfLessThan(FrameStep, 1, nameof(FrameStep));
        if (Stride is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Stride), Stride, "must be positive");
        }

        if (ValidationFraction < 0 || TestFraction < 0 || ValidationFraction + TestFraction >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), "fractions must be non-negative and leave videos for training");
        }
    }
}
