namespace SvqVideo.Datasets;

/// <summary>
/// A source whose frames were decoded into the <see cref="FrameCache"/>. Position p has frame number
/// <c>numbers[p]</c> when numbers are given (e.g. KTH's image numbers), else <c>firstNumber + p</c>.
/// </summary>
internal sealed class CachedFrameSource(string name, CachedFrames frames, int firstNumber = 0, int[]? numbers = null) : IFrameSource
{
    public string Name { get; } = name;

    public int Count => frames.Count;

    public int FrameNumber(int position) => numbers is null ? firstNumber + position : numbers[position];

    public void CopyFrame(int position, Span<byte> destination) => frames.Frame(position).CopyTo(destination);

    public void Dispose() => frames.Dispose();
}
