namespace SvqVideo;

/// <summary>
/// The SDK's streaming session over any <see cref="IFramePredictor"/>: a ring buffer of the last
/// FramesIn frames. Does not own the predictor. Not thread-safe.
/// </summary>
public sealed class ForecastSession : IForecastSession
{
    private readonly IFramePredictor _predictor;
    private readonly float[] _ring;
    private readonly int _capacity;
    private readonly int _frameLength;
    private int _start;
    private int _count;
    private bool _disposed;

    /// <summary>Starts a session on <paramref name="predictor"/>.</summary>
    public ForecastSession(IFramePredictor predictor)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        _predictor = predictor;
        var m = predictor.Metadata;
        _capacity = m.FramesIn;
        _frameLength = m.Channels * m.Height * m.Width;
        _ring = new float[(long)_capacity * _frameLength];
    }

    /// <inheritdoc />
    public int BufferedFrames => _count;

    /// <inheritdoc />
    public bool IsReady => _count == _capacity;

    /// <inheritdoc />
    public void Push(ReadOnlySpan<float> frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (frame.Length != _frameLength)
        {
            var m = _predictor.Metadata;
            throw new ArgumentException($"a frame must have {m.Channels}x{m.Height}x{m.Width} = {_frameLength} values, got {frame.Length}", nameof(frame));
        }

        int slot = (_start + _count) % _capacity;
        if (_count == _capacity)
        {
            slot = _start;
            _start = (_start + 1) % _capacity;
        }
        else
        {
            _count++;
        }

        frame.CopyTo(_ring.AsSpan(slot * _frameLength, _frameLength));
    }

    /// <inheritdoc />
    public FrameClip Forecast(int frames, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        if (!IsReady)
        {
            throw new InvalidOperationException($"the session has {_count} of the {_capacity} context frames it needs");
        }

        var data = new float[_ring.Length];
        for (int i = 0; i < _capacity; i++)
        {
            int slot = (_start + i) % _capacity;
            Array.Copy(_ring, (long)slot * _frameLength, data, (long)i * _frameLength, _frameLength);
        }

        var m = _predictor.Metadata;
        var context = new FrameClip(data, _capacity, m.Channels, m.Height, m.Width);
        return _predictor.Predict(context, new ForecastOptions { Frames = frames }, cancellationToken);
    }

    /// <inheritdoc />
    public void Reset()
    {
        _start = 0;
        _count = 0;
    }

    /// <inheritdoc />
    public void Dispose() => _disposed = true;
}
