namespace SvqVideo.Datasets;

/// <summary>
/// The shape and colour layout every produced frame has: <see cref="Channels"/> (1 gray or 3 colour)
/// × <see cref="Height"/> × <see cref="Width"/>, colour in <see cref="ChannelOrder"/>. Immutable.
/// </summary>
public sealed record FrameFormat
{
    /// <summary>Creates a format; sizes must be positive and channels 1 or 3.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive or channels is not 1 or 3.</exception>
    public FrameFormat(int height, int width, int channels, ChannelOrder channelOrder = ChannelOrder.Rgb,
        ResizeMode resize = ResizeMode.Stretch, FrameInterpolation interpolation = FrameInterpolation.Linear)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 (gray) or 3 (colour)");
        }

        Height = height;
        Width = width;
        Channels = channels;
        ChannelOrder = channelOrder;
        Resize = resize;
        Interpolation = interpolation;
    }

    /// <summary>Frame height in pixels.</summary>
    public int Height { get; }

    /// <summary>Frame width in pixels.</summary>
    public int Width { get; }

    /// <summary>1 (gray) or 3 (colour).</summary>
    public int Channels { get; }

    /// <summary>Colour order of 3-channel frames.</summary>
    public ChannelOrder ChannelOrder { get; }

    /// <summary>How source frames of another size are fitted.</summary>
    public ResizeMode Resize { get; }

    /// <summary>Resampling filter.</summary>
    public FrameInterpolation Interpolation { get; }

    /// <summary>Bytes of one frame stored as uint8 H×W×C.</summary>
    public int FrameBytes => Height * Width * Channels;

    /// <summary>A stable text form used in cache keys, e.g. <c>128x160x3/Rgb/CoverCrop/Area</c>.</summary>
    public override string ToString() => $"{Height}x{Width}x{Channels}/{ChannelOrder}/{Resize}/{Interpolation}";
}
