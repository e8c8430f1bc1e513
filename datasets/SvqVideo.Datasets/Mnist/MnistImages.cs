namespace SvqVideo.Datasets.Mnist;

/// <summary>Grayscale images from an IDX file: <see cref="Count"/> images of <see cref="Rows"/>×<see cref="Columns"/> uint8 (0 background, 255 ink). Immutable, thread-safe.</summary>
public sealed class MnistImages
{
    private readonly byte[] _pixels;

    internal MnistImages(byte[] pixels, int count, int rows, int columns, string source)
    {
        _pixels = pixels;
        Count = count;
        Rows = rows;
        Columns = columns;
        Source = source;
    }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Image height (28 for MNIST).</summary>
    public int Rows { get; }

    /// <summary>Image width (28 for MNIST).</summary>
    public int Columns { get; }

    /// <summary>Where the images came from (a path, or "bundled").</summary>
    public string Source { get; }

    /// <summary>The pixels of image <paramref name="index"/>, row-major.</summary>
    public ReadOnlySpan<byte> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int size = Rows * Columns;
        return _pixels.AsSpan(index * size, size);
    }
}
