namespace SvqVideo.Datasets.Tests;

public sealed class ClipBatchLoaderTests
{
    private static int[] FirstValues(ClipBatch b) => [.. Enumerable.Range(0, b.Size).Select(i => (int)b.Clip(i)[0])];

    [Fact]
    public void SameSeedAndEpochGiveTheSameBatchesWhateverTheWorkerCount()
    {
        var ds = new CountingDataset(50);
        var one = new ClipBatchLoader(ds, new ClipBatchLoaderOptions { BatchSize = 8, Seed = 3, Workers = 1 });
        var many = new ClipBatchLoader(ds, new ClipBatchLoaderOptions { BatchSize = 8, Seed = 3, Workers = 4 });
        var a = one.Epoch(2).Select(b => { using (b) { return FirstValues(b); } }).ToList();
        var b = many.Epoch(2).Select(b => { using (b) { return FirstValues(b); } }).ToList();
        Assert.Equal(a, b);
        Assert.Equal(6, a.Count);
        Assert.Equal(one.Order(2).Take(48), a.SelectMany(x => x));
        Assert.NotEqual(one.Order(2), one.Order(3));
        var otherSeed = new ClipBatchLoader(ds, new ClipBatchLoaderOptions { BatchSize = 8, Seed = 4 });
        Assert.NotEqual(one.Order(2), otherSeed.Order(2));
    }

    [Fact]
    public void AnEpochCanStartAtALaterBatchWithoutReadingTheEarlierClips()
    {
        var whole = new ClipBatchLoader(new CountingDataset(50), new ClipBatchLoaderOptions { BatchSize = 8, Seed = 3 });
        var expected = whole.Epoch(4).Select(b => { using (b) { return $"{b.Number}: {string.Join(",", FirstValues(b))}"; } }).Skip(3).ToList();

        var ds = new CountingDataset(50);
        var loader = new ClipBatchLoader(ds, new ClipBatchLoaderOptions { BatchSize = 8, Seed = 3, Prefetch = 1 });
        var resumed = loader.Epoch(4, 3).Select(b => { using (b) { return $"{b.Number}: {string.Join(",", FirstValues(b))}"; } }).ToList();
        Assert.Equal(3, resumed.Count);
        Assert.Equal(expected, resumed);
        Assert.StartsWith("3: ", resumed[0], StringComparison.Ordinal);
        Assert.Equal(3 * 8, ds.Reads);

        Assert.Empty(loader.Epoch(4, loader.BatchesPerEpoch));
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Epoch(4, loader.BatchesPerEpoch + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Epoch(4, -1));
    }

    [Fact]
    public void BatchesAreContiguousBTCHWArraysOfTheRightClips()
    {
        var ds = new CountingDataset(10);
        var loader = new ClipBatchLoader(ds, new ClipBatchLoaderOptions { BatchSize = 4, Shuffle = false, DropLast = false });
        var batches = loader.Epoch(0).ToList();
        Assert.Equal([4, 4, 2], batches.Select(b => b.Size));
        var last = batches[2];
        Assert.Equal(2 * 3 * 1 * 4 * 4, last.Data.Length);
        Assert.All(last.Data.AsSpan(0, 48).ToArray(), v => Assert.Equal(8f, v));
        Assert.All(last.Data.AsSpan(48, 48).ToArray(), v => Assert.Equal(9f, v));
        Assert.Equal(Enumerable.Range(0, 10), batches.SelectMany(b => b.Indices));
    }

    [Fact]
    public void PrefetchRunsAheadButStaysBounded()
    {
        var ds = new CountingDataset(400);
        var loader = new ClipBatchLoader(ds, new ClipBatchLoaderOptions { BatchSize = 4, Prefetch = 2, Workers = 1 });
        using var e = loader.Epoch(0).GetEnumerator();
        Assert.True(e.MoveNext());
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (ds.Reads < 3 * 4 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }

        Thread.Sleep(200);
        // One batch delivered, Prefetch waiting in the queue, at most one more being filled.
        Assert.InRange(ds.Reads, 3 * 4, (1 + 2 + 1) * 4);
    }

    [Fact]
    public void CancellationStopsTheEpochAndTheBackgroundThread()
    {
        var ds = new CountingDataset(400);
        var loader = new ClipBatchLoader(ds, new ClipBatchLoaderOptions { BatchSize = 4, Prefetch = 2 });
        using var cts = new CancellationTokenSource();
        int seen = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var b in loader.Epoch(0, cts.Token))
            {
                b.Dispose();
                if (++seen == 3)
                {
                    cts.Cancel();
                }
            }
        });
        int reads = ds.Reads;
        Thread.Sleep(200);
        Assert.Equal(reads, ds.Reads);
        Assert.True(reads < 400);
    }

    [Fact]
    public void ADatasetErrorReachesTheConsumerUnwrapped()
    {
        var ds = new CountingDataset(40, failAt: 13);
        var loader = new ClipBatchLoader(ds, new ClipBatchLoaderOptions { BatchSize = 4, Shuffle = false });
        var ex = Assert.Throws<DatasetException>(() => loader.Epoch(0).ToList());
        Assert.Contains("clip 13", ex.Message);
    }
}
