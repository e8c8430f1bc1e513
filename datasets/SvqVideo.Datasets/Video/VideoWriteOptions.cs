namespace SvqVideo.Datasets.Video;

/// <summary>How <see cref="VideoFileWriter"/> encodes. Null members mean "choose from the file extension".</summary>
public sealed record VideoWriteOptions
{
    /// <summary>Colour order of the frames given to Write (RGB by default).</summary>
    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Rgb;

    /// <summary>
    /// Four-character codec code; null picks <c>mp4v</c> for .mp4/.m4v/.mov/.mkv and <c>MJPG</c> for .avi.
    /// OpenCvSharp's bundled FFmpeg encodes only mp4v, MJPG and XVID/DIVX (no H.264).
    /// </summary>
    public string? FourCC { get; init; }
}
