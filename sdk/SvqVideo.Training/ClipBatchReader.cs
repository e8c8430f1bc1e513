using System.Collections.Concurrent;
using SvqVideo.Datasets;

namespace SvqVideo.Training;

/// <summary>
/// Reads clips of an <see cref="IClipDataset"/> in a given order as batches of float32 values
/// (clips × (FramesIn + FramesOut) × C × H × W), prefetching a few batches on one background
/// thread. Tensors are made from the arrays on the training thread, so dispose scopes stay on one
/// thread. Enumerate once; dispose (or finish enumerating) to stop the background thread.
/// </summary>
internal sealed class ClipBatchReader : IDisposable
{
    private readonly IClipDataset _dataset;
    private readonly IReadOnlyList<int> _order;
    private readonly int _batchSize;
    private readonly int _firstBatch;
    private readonly int _batchCount;
    private readonly BlockingCollection<(float[] Data, int Clips)> _ready;
    private readonly ConcurrentBag<float[]> _spare = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;
    private Exception? _failure;

    /// <param name="dataset">The clips.</param>
    /// <param name="order">Clip indices in reading order.</param>
    /// <param name="batchSize">Clips per batch.</param>
    /// <param name="dropLast">Drop an incomplete last batch (training) or keep it (evaluation).</param>
    /// <param name="firstBatch">Batches to skip (resuming in the middle of an epoch).</param>
    /// <param name="maxBatches">Stop after this many batches counted from the start (0 = no limit).</param>
    /// <param name="prefetch">Batches read ahead.</param>
    public ClipBatchReader(IClipDataset dataset, IReadOnlyList<int> order, int batchSize, bool dropLast, int firstBatch = 0, int maxBatches = 0, int prefetch = 2)
    {
        _dataset = dataset;
        _order = order;
        _batchSize = batchSize;
        int full = order.Count / batchSize;
        int total = dropLast || order.Count % batchSize == 0 ? full : full + 1;
        if (maxBatches > 0)
        {
            total = Math.Min(total, maxBatches);
        }

        _firstBatch = Math.Min(firstBatch, total);
        _batchCount = total;
        ClipLength = (dataset.FramesIn + dataset.FramesOut) * dataset.Channels * dataset.Height * dataset.Width;
        _ready = new BlockingCollection<(float[], int)>(Math.Max(1, prefetch));
        _producer = Task.Factory.StartNew(Produce, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Values per clip.</summary>
    public int ClipLength { get; }

    /// <summary>Batches this reader yields (after skipping).</summary>
    public int Count => _batchCount - _firstBatch;

    /// <summary>Batches in order: the array (exactly clips × <see cref="ClipLength"/> values) and its clip count. Hand arrays back with <see cref="Recycle"/>.</summary>
    public IEnumerable<(float[] Data, int Clips)> Batches()
    {
        foreach (var batch in _ready.GetConsumingEnumerable())
        {
            yield return batch;
        }

        if (_failure is not null)
        {
            throw new InvalidOperationException($"reading clips from {_dataset.Name} failed: {_failure.Message}", _failure);
        }
    }

    /// <summary>Returns an array for reuse by later batches.</summary>
    public void Recycle(float[] data) => _spare.Add(data);

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _producer.Wait();
        }
        catch (AggregateException)
        {
        }

        _ready.Dispose();
        _stop.Dispose();
    }

    private void Produce()
    {
        try
        {
            for (int b = _firstBatch; b < _batchCount; b++)
            {
                int start = b * _batchSize;
                int clips = Math.Min(_batchSize, _order.Count - start);
                int length = clips * ClipLength;
                float[] data = _spare.TryTake(out var spare) && spare.Length == length ? spare : new float[length];
                for (int i = 0; i < clips; i++)
                {
                    _stop.Token.ThrowIfCancellationRequested();
                    _dataset.CopyClip(_order[start + i], data.AsSpan(i * ClipLength, ClipLength));
                }

                _ready.Add((data, clips), _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _failure = e;
        }
        finally
        {
            _ready.CompleteAdding();
        }
    }
}
