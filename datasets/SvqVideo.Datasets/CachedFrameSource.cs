namespace SvqVideo.Datasets;

/// <summary>A source whose frames were decoded into the <see cref="FrameCache"/>; position p has frame number <c>firstNumber + p</c>.</summary>
internal sealed class CachedFrameSource(string name, CachedFrames frames, int firstNumber = 0) : IFrameSource
{
    public string Name { get; } = name;

    public int Count => frames.Count;

    public int FrameNumber(int position) => firstNumber + position;

    public void CopyFrame(int position, Span<byte> destination) => frames.Frame(position).CopyTo(destination);

    public void Dispose() => frames.Dispose();
}
