using SvqVideo.Datasets.Video;
using SvqVideo.Testing;

namespace SvqVideo.Datasets.Tests.Video;

public sealed class VideoFolderDatasetTests
{
    private static VideoFolderOptions Options(string cache) => new()
    {
        FramesIn = 5,
        FramesOut = 5,
        Height = 32,
        Width = 32,
        Channels = 1,
        CacheDirectory = cache,
    };

    [Fact]
    public void FolderOfVideosGivesNonOverlappingClipsOfTheAskedShape()
    {
        using var data = new TempFolder();
        using var cache = new TempFolder();
        Synthetic.WriteVideo(data.Combine("a.mp4"), 30, 48, 36);
        Synthetic.WriteVideo(data.Combine("b.mp4"), 45, 40, 30, seed: 5);
        Synthetic.WriteVideo(data.Combine("short.mp4"), 8, 40, 30);
        data.CreateFolder("sub");
        Synthetic.WriteVideo(data.Combine("sub", "c.avi"), 20, 64, 48, "MJPG");
        File.WriteAllText(data.Combine("notes.txt"), "not a video");
        var before = FolderSnapshot.Take(data.Path);

        using var ds = VideoFolderDataset.Open(data.Path, Options(cache.Path));
        Assert.Equal(3 + 4 + 2, ds.Count);
        Assert.Equal(["a.mp4", "b.mp4", Path.Combine("sub", "c.avi")], ds.SourceNames);
        Assert.Equal((5, 5, 1, 32, 32), (ds.FramesIn, ds.FramesOut, ds.Channels, ds.Height, ds.Width));
        Assert.Equal([10, 11, 12, 13, 14, 15, 16, 17, 18, 19], ds.Origin(1).FrameNumbers);
        Assert.Equal("b.mp4", ds.Origin(3).Source);
        for (int i = 0; i < ds.Count; i++)
        {
            var clip = ds.ReadClip(i);
            Assert.Equal(10 * 32 * 32, clip.Data.Length);
            Assert.All(clip.Data.ToArray(), v => Assert.InRange(v, 0f, 1f));
        }

        Assert.Equal(before, FolderSnapshot.Take(data.Path));
        Assert.Equal(4, Directory.GetFiles(cache.Path, "*.frames").Length);
    }

    [Fact]
    public void StrideAndColourOptionsAreHonoured()
    {
        using var data = new TempFolder();
        using var cache = new TempFolder();
        string video = data.Combine("v.mp4");
        Synthetic.WriteVideo(video, 30, 48, 36);
        using var ds = VideoFolderDataset.OpenFile(video, Options(cache.Path) with { Stride = 5, Channels = 3 });
        Assert.Equal(5, ds.Count);
        Assert.Equal(3, ds.Channels);
        Assert.Equal([5, 6, 7, 8, 9, 10, 11, 12, 13, 14], ds.Origin(1).FrameNumbers);
        var clip = ds.ReadClip(4);
        Assert.Equal(10 * 3 * 32 * 32, clip.Data.Length);
    }

    [Fact]
    public void SplitsHoldOutWholeVideosAndDoNotOverlap()
    {
        using var data = new TempFolder();
        using var cache = new TempFolder();
        for (int i = 0; i < 10; i++)
        {
            Synthetic.WriteVideo(data.Combine($"v{i:D2}.avi"), 10, 16, 16, "MJPG", seed: i);
        }

        var options = Options(cache.Path) with { Height = 16, Width = 16 };
        using var train = VideoFolderDataset.Open(data.Path, options, DatasetSplit.Train);
        using var val = VideoFolderDataset.Open(data.Path, options, DatasetSplit.Validation);
        using var test = VideoFolderDataset.Open(data.Path, options, DatasetSplit.Test);
        Assert.Equal(8, train.SourceNames.Count);
        Assert.Single(val.SourceNames);
        Assert.Single(test.SourceNames);
        Assert.Equal(10, train.SourceNames.Concat(val.SourceNames).Concat(test.SourceNames).Distinct().Count());
    }

    [Fact]
    public void CacheIsRebuiltWhenTheSourceVideoChanges()
    {
        using var data = new TempFolder();
        using var cache = new TempFolder();
        string video = data.Combine("v.mp4");
        Synthetic.WriteVideo(video, 12, 32, 32, seed: 0);
        float[] first;
        using (var ds = VideoFolderDataset.OpenFile(video, Options(cache.Path)))
        {
            first = ds.ReadClip(0).Data.ToArray();
        }

        using (var again = VideoFolderDataset.OpenFile(video, Options(cache.Path)))
        {
            Assert.Equal(first, again.ReadClip(0).Data.ToArray());
        }

        Synthetic.WriteVideo(video, 12, 32, 32, seed: 77);
        File.SetLastWriteTimeUtc(video, DateTime.UtcNow.AddMinutes(1));
        using var changed = VideoFolderDataset.OpenFile(video, Options(cache.Path));
        var now = changed.ReadClip(0).Data.ToArray();
        Assert.NotEqual(first, now);
        var decoded = VideoFile.ReadAll(video, new VideoReadOptions { Channels = 1, Height = 32, Width = 32, MaxFrames = 10 });
        Assert.Equal(decoded.Frames.Data.ToArray(), now);
        Assert.Single(Directory.GetFiles(cache.Path, "*.frames"));
    }

    [Fact]
    public void CacheFolderInsideTheDataFolderIsRefused()
    {
        using var data = new TempFolder();
        Synthetic.WriteVideo(data.Combine("v.mp4"), 12, 32, 32);
        var before = FolderSnapshot.Take(data.Path);
        var ex = Assert.Throws<DatasetException>(() => VideoFolderDataset.Open(data.Path, Options(data.Combine("cache"))));
        Assert.Contains("inside the data folder", ex.Message);
        Assert.Equal(before, FolderSnapshot.Take(data.Path));
        Assert.False(Directory.Exists(data.Combine("cache")));
    }

    public static TheoryData<string, string> BadVideos => new()
    {
        { "missing.mp4", "not found" },
        { "text.mp4", "cannot decode" },
        { "empty.mp4", "empty" },
        { "truncated.mp4", "cannot decode" },
        { "noframes.mp4", "cannot decode" },
        { "short.mp4", "shorter than one clip" },
    };

    [Theory]
    [MemberData(nameof(BadVideos))]
    public void BadVideoGivesAOneLineMessageNamingTheFileAndLeavesTheFolderUntouched(string file, string expected)
    {
        using var data = new TempFolder();
        using var cache = new TempFolder();
        File.WriteAllText(data.Combine("text.mp4"), "hello, I am not a video");
        File.WriteAllBytes(data.Combine("empty.mp4"), []);
        Synthetic.WriteVideo(data.Combine("full.mp4"), 40, 64, 48);
        var bytes = File.ReadAllBytes(data.Combine("full.mp4"));
        File.WriteAllBytes(data.Combine("truncated.mp4"), bytes[..(bytes.Length / 2)]);
        Synthetic.WriteVideo(data.Combine("noframes.mp4"), 0, 64, 48);
        Synthetic.WriteVideo(data.Combine("short.mp4"), 6, 64, 48);
        var before = FolderSnapshot.Take(data.Path);

        var ex = Assert.Throws<DatasetException>(() => VideoFolderDataset.OpenFile(data.Combine(file), Options(cache.Path)));
        Assert.Contains(file, ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(before, FolderSnapshot.Take(data.Path));
        Assert.Empty(Directory.GetFiles(cache.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void FolderWithAnUnreadableVideoNamesThatVideo()
    {
        using var data = new TempFolder();
        using var cache = new TempFolder();
        Synthetic.WriteVideo(data.Combine("a.mp4"), 30, 32, 32);
        File.WriteAllText(data.Combine("b.mp4"), "not a video");
        var ex = Assert.Throws<DatasetException>(() => VideoFolderDataset.Open(data.Path, Options(cache.Path)));
        Assert.Contains("b.mp4", ex.Message);
    }
}
