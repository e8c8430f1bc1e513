using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace SvqVideo.Datasets;

/// <summary>
/// Turns an <see cref="IClipDataset"/> into mini-batches prepared on a background thread. The clip
/// order of epoch e is a pure function of (seed, e), whatever the number of workers. At most
/// <see cref="ClipBatchLoaderOptions.Prefetch"/> batches wait in the queue; buffers of disposed
/// batches are reused. Enumerating an epoch is cancellable; stopping early (break, dispose or
/// cancellation) stops the background thread. One epoch may be enumerated at a time per loader.
/// </summary>
public sealed class ClipBatchLoader
{
    private readonly IClipDataset _dataset;
    private readonly ClipBatchLoaderOptions _options;
    private readonly ConcurrentBag<float[]> _pool = [];
    private readonly int _clipValues;

    /// <summary>Creates a loader over <paramref name="dataset"/>.</summary>
    public ClipBatchLoader(IClipDataset dataset, ClipBatchLoaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new ClipBatchLoaderOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options.BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Prefetch, 1, nameof(options.Prefetch));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Workers, 1, nameof(options.Workers));
        _dataset = dataset;
        _options = options;
        _clipValues = (dataset.FramesIn + dataset.FramesOut) * dataset.Channels * dataset.Height * dataset.Width;
    }

    /// <summary>Batches per epoch.</summary>
    public int BatchesPerEpoch => _options.DropLast
        ? _dataset.Count / _options.BatchSize
        : (_dataset.Count + _options.BatchSize - 1) / _options.BatchSize;

    /// <summary>The clip order of <paramref name="epoch"/> (identity when not shuffling).</summary>
    public int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, _dataset.Count).ToArray();
        if (_options.Shuffle)
        {
            var rng = StableRandom.For(_options.Seed, epoch, 0x5EED);
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = rng.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }

        return order;
    }

    /// <summary>The batches of <paramref name="epoch"/>, prepared ahead on a background thread.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "Published before the API baseline; the second parameters (CancellationToken, int) never make a call ambiguous.")]
    public IEnumerable<ClipBatch> Epoch(int epoch, CancellationToken cancellationToken = default) => Epoch(epoch, 0, cancellationToken);

    /// <summary>
    /// The batches of <paramref name="epoch"/> from batch number <paramref name="firstBatch"/> on, with the same
    /// numbers and clips as in the whole epoch; the clips of earlier batches are not read. This is how a resumed
    /// run continues an epoch in the middle.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="firstBatch"/> is negative or beyond <see cref="BatchesPerEpoch"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "Published before the API baseline; the second parameters (CancellationToken, int) never make a call ambiguous.")]
    public IEnumerable<ClipBatch> Epoch(int epoch, int firstBatch, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstBatch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstBatch, BatchesPerEpoch);
        return Batches(epoch, firstBatch, cancellationToken);
    }

    private IEnumerable<ClipBatch> Batches(int epoch, int firstBatch, CancellationToken cancellationToken)
    {
        var order = Order(epoch);
        int batches = BatchesPerEpoch;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var queue = new BlockingCollection<ClipBatch>(_options.Prefetch);
        ExceptionDispatchInfo? failure = null;
        var producer = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    for (int b = firstBatch; b < batches; b++)
                    {
                        int start = b * _options.BatchSize;
                        var indices = order.AsSpan(start, Math.Min(_options.BatchSize, order.Length - start)).ToArray();
                        var batch = Fill(indices, epoch, b, stop.Token);
                        try
                        {
                            queue.Add(batch, stop.Token);
                        }
                        catch
                        {
                            batch.Dispose();
                            throw;
                        }
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (AggregateException e) when (e.InnerExceptions.Count > 0)
                {
                    // Parallel.For wraps the dataset's own exception; surface the first one as thrown.
                    failure = ExceptionDispatchInfo.Capture(e.InnerExceptions[0]);
                }
                catch (Exception e)
                {
                    failure = ExceptionDispatchInfo.Capture(e);
                }
                finally
                {
                    queue.CompleteAdding();
                }
            },
            stop.Token,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        try
        {
            foreach (var batch in queue.GetConsumingEnumerable(cancellationToken))
            {
                yield return batch;
            }

            failure?.Throw();
        }
        finally
        {
            stop.Cancel();
            try
            {
                producer.Wait(CancellationToken.None);
            }
            catch (AggregateException)
            {
            }

            while (queue.TryTake(out var left))
            {
                left.Dispose();
            }
        }
    }

    private ClipBatch Fill(int[] indices, int epoch, int number, CancellationToken token)
    {
        int length = indices.Length * _clipValues;
        float[] data = length == _options.BatchSize * _clipValues && _pool.TryTake(out var pooled) ? pooled : new float[length];
        Parallel.For(
            0,
            indices.Length,
            new ParallelOptions { MaxDegreeOfParallelism = _options.Workers, CancellationToken = token },
            i => _dataset.CopyClip(indices[i], data.AsSpan(i * _clipValues, _clipValues)));
        Action<float[]>? giveBack = length == _options.BatchSize * _clipValues ? Return : null;
        return new ClipBatch(data, indices, epoch, number, _dataset.FramesIn + _dataset.FramesOut, _dataset.Channels, _dataset.Height, _dataset.Width, giveBack);
    }

    private void Return(float[] data)
    {
        if (_pool.Count < _options.Prefetch + 2)
        {
            _pool.Add(data);
        }
    }
}
