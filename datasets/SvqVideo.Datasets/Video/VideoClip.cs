namespace SvqVideo.Datasets.Video;

/// <summary>All kept frames of a video file with its frame rate.</summary>
public sealed record VideoClip(string Path, FrameClip Frames, double Fps);
