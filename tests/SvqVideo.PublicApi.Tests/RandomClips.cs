using SvqVideo.Datasets;

namespace SvqVideo.PublicApi.Tests;

/// <summary>A host's own data: seeded random clips held in memory, as an app that trains on its own frames provides them.</summary>
public sealed class RandomClips(int count, int framesIn, int framesOut, int size, int seed) : IClipDataset
{
    private readonly float[][] _clips = Enumerable.Range(0, count).Select(i =>
    {
        var random = new Random(seed + i);
        return Enumerable.Range(0, (framesIn + framesOut) * size * size).Select(_ => random.NextSingle()).ToArray();
    }).ToArray();

    public string Name => "random";

    public int Count => _clips.Length;

    public int FramesIn => framesIn;

    public int FramesOut => framesOut;

    public int Channels => 1;

    public int Height => size;

    public int Width => size;

    public void CopyClip(int index, Span<float> destination) => _clips[index].CopyTo(destination);
}
