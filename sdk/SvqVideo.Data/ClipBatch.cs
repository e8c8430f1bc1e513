namespace SvqVideo.Datasets;

/// <summary>
/// One mini-batch: <see cref="Size"/> clips as one contiguous float array laid out B×T×C×H×W.
/// Dispose it when done so the loader can reuse the buffer (not disposing is safe, just slower).
/// Do not use <see cref="Data"/> after disposing.
/// </summary>
public sealed class ClipBatch : IDisposable
{
    private readonly Action<float[]>? _return;
    private float[]? _data;

    internal ClipBatch(float[] data, int[] indices, int epoch, int number, int frames, int channels, int height, int width, Action<float[]>? giveBack)
    {
        _data = data;
        Indices = indices;
        Epoch = epoch;
        Number = number;
        Frames = frames;
        Channels = channels;
        Height = height;
        Width = width;
        _return = giveBack;
    }

    /// <summary>All values, B×T×C×H×W (exactly <see cref="Size"/>·T·C·H·W long).</summary>
    public float[] Data => _data ?? throw new ObjectDisposedException(nameof(ClipBatch));

    /// <summary>Clips in the batch (B).</summary>
    public int Size => Indices.Count;

    /// <summary>Dataset indices of the clips, in batch order.</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>The epoch this batch belongs to.</summary>
    public int Epoch { get; }

    /// <summary>Position of the batch within its epoch (0-based).</summary>
    public int Number { get; }

    /// <summary>Frames per clip (T).</summary>
    public int Frames { get; }

    /// <summary>Channels (C).</summary>
    public int Channels { get; }

    /// <summary>Height (H).</summary>
    public int Height { get; }

    /// <summary>Width (W).</summary>
    public int Width { get; }

    /// <summary>The values of clip <paramref name="i"/> of the batch (T×C×H×W).</summary>
    public Span<float> Clip(int i)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(i);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(i, Size);
        int n = Frames * Channels * Height * Width;
        return Data.AsSpan(i * n, n);
    }

    /// <summary>Returns the buffer to the loader.</summary>
    public void Dispose()
    {
        var data = Interlocked.Exchange(ref _data, null);
        if (data is not null)
        {
            _return?.Invoke(data);
        }
    }
}
