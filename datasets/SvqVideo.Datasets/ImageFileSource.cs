namespace SvqVideo.Datasets;

/// <summary>
/// A source decoded lazily from one image file per frame (used where a cache would duplicate a huge
/// image collection, e.g. Human3.6M). <paramref name="pathOf"/> maps a frame number to its file.
/// </summary>
internal sealed class ImageFileSource(string name, int count, Func<int, string> pathOf, FrameFormat format) : IFrameSource
{
    public string Name { get; } = name;

    public int Count { get; } = count;

    public int FrameNumber(int position) => position;

    public void CopyFrame(int position, Span<byte> destination) => ImageFiles.Decode(pathOf(position), format, destination);

    public void Dispose()
    {
    }
}
