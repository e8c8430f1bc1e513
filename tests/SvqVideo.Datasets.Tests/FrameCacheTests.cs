using SvqVideo.Testing;

namespace SvqVideo.Datasets.Tests;

public sealed class FrameCacheTests
{
    private static readonly FrameFormat Format = new(4, 5, 3);

    private static Action<CacheWriter> Frames(int count, byte value, Action? onBuild = null) => sink =>
    {
        onBuild?.Invoke();
        var frame = new byte[Format.FrameBytes];
        for (int i = 0; i < count; i++)
        {
            Array.Fill(frame, (byte)(value + i));
            sink.Add(frame);
        }
    };

    [Fact]
    public void AnEntryIsDecodedOnceAndReusedByLaterCalls()
    {
        using var dir = new TempFolder();
        string source = dir.Combine("src.bin");
        File.WriteAllText(source, "v1");
        var cache = new FrameCache(dir.Combine("cache"));
        int builds = 0;
        using (var a = cache.GetOrAdd([source], "r", Format, Frames(3, 10, () => builds++)))
        {
            Assert.Equal(3, a.Count);
            Assert.All(a.Frame(2).ToArray(), b => Assert.Equal(12, b));
        }

        using var b = new FrameCache(dir.Combine("cache")).GetOrAdd([source], "r", Format, Frames(3, 10, () => builds++));
        Assert.Equal(1, builds);
        Assert.All(b.Frame(1).ToArray(), v => Assert.Equal(11, v));
    }

    [Fact]
    public void ChangedSourceRebuildsTheEntryWhileOpenReadersKeepTheirFrames()
    {
        using var dir = new TempFolder();
        string source = dir.Combine("src.bin");
        File.WriteAllText(source, "v1");
        var cache = new FrameCache(dir.Combine("cache"));
        using var old = cache.GetOrAdd([source], "r", Format, Frames(2, 10));
        File.WriteAllText(source, "version 2");
        int builds = 0;
        using var fresh = cache.GetOrAdd([source], "r", Format, Frames(4, 50, () => builds++));
        Assert.Equal(1, builds);
        Assert.Equal(4, fresh.Count);
        Assert.Equal(50, fresh.Frame(0)[0]);
        Assert.Equal(2, old.Count);
        Assert.Equal(11, old.Frame(1)[0]);
        Assert.Single(Directory.GetFiles(cache.Directory));
    }

    [Fact]
    public void ConcurrentCallersShareOneBuildAndReadTheSameFrames()
    {
        using var dir = new TempFolder();
        string source = dir.Combine("src.bin");
        File.WriteAllText(source, "v1");
        int builds = 0;
        var results = new byte[16][];
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            using var frames = new FrameCache(dir.Combine("cache")).GetOrAdd([source], "r", Format, Frames(5, 1, () => Interlocked.Increment(ref builds)));
            results[i] = [.. Enumerable.Range(0, frames.Count).SelectMany(f => frames.Frame(f).ToArray())];
        });
        Assert.Equal(1, builds);
        Assert.All(results, r => Assert.Equal(results[0], r));
    }

    [Fact]
    public void ATruncatedEntryIsRebuiltAndAFailedBuildLeavesNoFile()
    {
        using var dir = new TempFolder();
        string source = dir.Combine("src.bin");
        File.WriteAllText(source, "v1");
        var cache = new FrameCache(dir.Combine("cache"));
        cache.GetOrAdd([source], "r", Format, Frames(3, 10)).Dispose();
        string entry = Directory.GetFiles(cache.Directory).Single();
        using (var f = new FileStream(entry, FileMode.Open))
        {
            f.SetLength(f.Length - 7);
        }

        int builds = 0;
        using (var again = cache.GetOrAdd([source], "r", Format, Frames(3, 10, () => builds++)))
        {
            Assert.Equal(1, builds);
            Assert.Equal(3, again.Count);
        }

        Assert.Throws<DatasetException>(() => cache.GetOrAdd([source], "other recipe", Format, _ => throw new DatasetException("broken source", source)));
        Assert.Equal([entry], Directory.GetFiles(cache.Directory));
    }
}
