namespace SvqVideo.Datasets;

/// <summary>
/// An ordered run of frames from one source (a video, an image folder, a recording), each uint8
/// H×W×C in the dataset's <see cref="FrameFormat"/>. <see cref="CopyFrame"/> is thread-safe.
/// </summary>
internal interface IFrameSource : IDisposable
{
    /// <summary>Display name (relative path or id).</summary>
    string Name { get; }

    /// <summary>Number of addressable positions.</summary>
    int Count { get; }

    /// <summary>The source's own number for <paramref name="position"/> (e.g. KTH's image number).</summary>
    int FrameNumber(int position);

    /// <summary>Writes the frame at <paramref name="position"/> as uint8 H×W×C.</summary>
    void CopyFrame(int position, Span<byte> destination);
}
