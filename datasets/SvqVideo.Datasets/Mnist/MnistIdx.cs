using System.Buffers.Binary;
using System.IO.Compression;

namespace SvqVideo.Datasets.Mnist;

/// <summary>
/// Reads MNIST's IDX image files (magic 0x00000803, big-endian count/rows/columns, then uint8
/// pixels), gzip-compressed or raw: the bundled 10,000 digits or a user's full MNIST files.
/// </summary>
public static class MnistIdx
{
    private const string BundledResource = "SvqVideo.Datasets.mnist.digits-images-idx3-ubyte.gz";
    private static readonly Lazy<MnistImages> BundledImages = new(LoadBundled, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The 10,000 digits shipped inside this assembly (see datasets/mnist/README.md; MIT licence).</summary>
    public static MnistImages Bundled => BundledImages.Value;

    /// <summary>Reads an IDX image file; gzip is detected from the content, not the name.</summary>
    /// <exception cref="DatasetException">The file is missing, empty, truncated or not an IDX image file.</exception>
    public static MnistImages ReadImages(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new DatasetException($"MNIST image file not found: {full}; give the path of train-images-idx3-ubyte(.gz) or similar", full);
        }

        using var stream = File.OpenRead(full);
        return ReadImages(stream, full);
    }

    /// <summary>Reads an IDX image stream (gzip detected from the first bytes); <paramref name="name"/> is used in messages.</summary>
    /// <exception cref="DatasetException">The content is empty, truncated or not an IDX image file.</exception>
    public static MnistImages ReadImages(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] raw;
        using (var buffer = new MemoryStream())
        {
            stream.CopyTo(buffer);
            raw = buffer.ToArray();
        }

        if (raw.Length == 0)
        {
            throw new DatasetException($"MNIST image file is empty: {name}; download it again", name);
        }

        if (raw.Length >= 2 && raw[0] == 0x1f && raw[1] == 0x8b)
        {
            try
            {
                using var gz = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                gz.CopyTo(plain);
                raw = plain.ToArray();
            }
            catch (InvalidDataException e)
            {
                throw new DatasetException($"MNIST image file {name} is a damaged gzip file ({e.Message}); download it again", name, e);
            }
        }

        if (raw.Length < 16 || BinaryPrimitives.ReadInt32BigEndian(raw) != 0x00000803)
        {
            throw new DatasetException($"{name} is not an IDX image file (magic 0x00000803 expected); give an MNIST *-images-idx3-ubyte file", name);
        }

        int count = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(4));
        int rows = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(8));
        int cols = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(12));
        long needed = 16L + ((long)count * rows * cols);
        if (count <= 0 || rows <= 0 || cols <= 0 || raw.Length < needed)
        {
            throw new DatasetException($"IDX file {name} is truncated or malformed (header says {count} images of {rows}x{cols}, {raw.Length} bytes present); download it again", name);
        }

        return new MnistImages(raw.AsSpan(16, (int)(needed - 16)).ToArray(), count, rows, cols, name);
    }

    private static MnistImages LoadBundled()
    {
        using var stream = typeof(MnistIdx).Assembly.GetManifestResourceStream(BundledResource)
            ?? throw new InvalidOperationException($"the bundled MNIST digits ({BundledResource}) are missing from {typeof(MnistIdx).Assembly.GetName().Name}; the build is broken");
        return ReadImages(stream, "bundled");
    }
}
