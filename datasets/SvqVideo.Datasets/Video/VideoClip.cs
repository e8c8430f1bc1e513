namespace SvqVideo.Datasets.Video;

/// <summary>All kept frames of a video file with its frame rate.</summary>
public sealed record VideoClip(string Path, FrameClip Frames, double Fps)
{
    /// <summary>Frame width in the file, before any resize the read options asked for.</summary>
    public int NativeWidth { get; init; }

    /// <summary>Frame height in the file, before any resize the read options asked for.</summary>
    public int NativeHeight { get; init; }
}
