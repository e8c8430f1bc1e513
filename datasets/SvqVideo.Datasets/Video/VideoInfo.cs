namespace SvqVideo.Datasets.Video;

/// <summary>What a video file holds: native frame size, frame rate (fallback applied) and the frame count found by reading every frame.</summary>
public sealed record VideoInfo(string Path, int Width, int Height, double Fps, int FrameCount);
