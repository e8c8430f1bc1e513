namespace SvqVideo.Datasets;

/// <summary>Where a clip comes from: its source (video, image folder or recording) and the source's frame numbers, in clip order.</summary>
public sealed record ClipOrigin(string Source, IReadOnlyList<int> FrameNumbers);
