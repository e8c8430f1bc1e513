using SvqVideo.Datasets;

namespace SvqVideo.Cli;

/// <summary>Clips of FramesIn + FramesOut consecutive frames cut from a decoded stretch of video (for <c>forecast --fit</c>).</summary>
internal sealed class InMemoryClips : IClipDataset
{
    private readonly FrameClip _video;
    private readonly int[] _starts;

    public InMemoryClips(string name, FrameClip video, int framesIn, int framesOut, IEnumerable<int> starts)
    {
        _video = video;
        Name = name;
        FramesIn = framesIn;
        FramesOut = framesOut;
        _starts = starts.ToArray();
    }

    public string Name { get; }

    public int Count => _starts.Length;

    public int FramesIn { get; }

    public int FramesOut { get; }

    public int Channels => _video.Channels;

    public int Height => _video.Height;

    public int Width => _video.Width;

    public void CopyClip(int index, Span<float> destination)
    {
        int length = (FramesIn + FramesOut) * _video.FrameLength;
        _video.Data.Span.Slice((int)((long)_starts[index] * _video.FrameLength), length).CopyTo(destination);
    }
}
