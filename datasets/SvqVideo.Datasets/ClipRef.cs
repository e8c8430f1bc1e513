namespace SvqVideo.Datasets;

/// <summary>A clip: positions <c>Start + t·Step</c> of source <c>Source</c>.</summary>
internal readonly record struct ClipRef(int Source, int Start, int Step);
