namespace SvqVideo.Datasets;

/// <summary>
/// A finite, indexable set of training/evaluation clips of FramesIn + FramesOut frames each.
/// <see cref="CopyClip"/> must be safe to call from several threads at once (loaders prefetch
/// on background threads). Values are float32 in [0, 1], layout T×C×H×W.
/// </summary>
public interface IClipDataset
{
    /// <summary>Display name, e.g. <c>mmnist/train</c>.</summary>
    string Name { get; }

    /// <summary>Number of clips.</summary>
    int Count { get; }

    /// <summary>Context frames per clip.</summary>
    int FramesIn { get; }

    /// <summary>Target frames per clip.</summary>
    int FramesOut { get; }

    /// <summary>Channels per frame (1 gray, 3 colour).</summary>
    int Channels { get; }

    /// <summary>Frame height.</summary>
    int Height { get; }

    /// <summary>Frame width.</summary>
    int Width { get; }

    /// <summary>Writes clip <paramref name="index"/> ((FramesIn + FramesOut)·C·H·W values) into <paramref name="destination"/>.</summary>
    void CopyClip(int index, Span<float> destination);
}
