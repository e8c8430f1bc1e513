using SvqVideo.Datasets.Kth;
using SvqVideo.Testing;

namespace SvqVideo.Datasets.Tests.Kth;

public sealed class KthDatasetTests
{
    // OpenSTL's image layout for persons 01-03 (one with a gap in its numbering), an original .avi for
    // person 17, and an .avi duplicate of person 01's image folder that must be ignored.
    private static void WriteKth(string root)
    {
        for (int i = 1; i <= 65; i++)
        {
            Synthetic.WriteImage(Path.Combine(root, "boxing", "person01_boxing_d1_uncomp", $"image_{i:D4}.jpg"), i, 160, 120);
        }

        for (int i = 1; i <= 40; i++)
        {
            Synthetic.WriteImage(Path.Combine(root, "running", "person02_running_d1_uncomp", $"image_{i:D4}.jpg"), i, 160, 120, seed: 3);
        }

        foreach (int i in Enumerable.Range(1, 20).Concat(Enumerable.Range(31, 30)))
        {
            Synthetic.WriteImage(Path.Combine(root, "walking", "person03_walking_d1_uncomp", $"image_{i:D4}.jpg"), i, 160, 120, seed: 9);
        }

        Synthetic.WriteVideo(Path.Combine(root, "boxing", "person17_boxing_d2_uncomp.avi"), 35, 160, 120, "MJPG");
        Synthetic.WriteVideo(Path.Combine(root, "boxing", "person01_boxing_d1_uncomp.avi"), 12, 160, 120, "MJPG");
    }

    [Fact]
    public void ImageAndAviLayoutsGiveOpenStlClipsSplitByPerson()
    {
        using var data = new TempFolder();
        using var cache = new TempFolder();
        WriteKth(data.Path);
        var before = FolderSnapshot.Take(data.Path);
        var options = new KthOptions { CacheDirectory = cache.Path, ValidationFraction = 0.34 };

        using var train = KthDataset.Open(data.Path, DatasetSplit.Train, options);
        using var val = KthDataset.Open(data.Path, DatasetSplit.Validation, options);
        using var test = KthDataset.Open(data.Path, DatasetSplit.Test, options);

        Assert.Equal((10, 20, 1, 128, 128), (train.FramesIn, train.FramesOut, train.Channels, train.Height, train.Width));
        Assert.Equal([Path.Combine("boxing", "person01_boxing_d1_uncomp"), Path.Combine("running", "person02_running_d1_uncomp")], train.SourceNames);
        Assert.Equal([Path.Combine("walking", "person03_walking_d1_uncomp")], val.SourceNames);
        Assert.Equal([Path.Combine("boxing", "person17_boxing_d2_uncomp.avi")], test.SourceNames);

        // boxing, 65 frames, non-overlapping from the end: 36-65, 6-35. running, 40 frames, end every 3rd: 40, 37, 34, 31.
        var origins = Enumerable.Range(0, train.Count).Select(train.Origin).ToList();
        Assert.Equal([6, 36, 2, 5, 8, 11], origins.Select(o => o.FrameNumbers[0]));
        Assert.All(origins, o => Assert.Equal(Enumerable.Range(o.FrameNumbers[0], 30), o.FrameNumbers));
        // walking has images 1-20 and 31-60: the only 30 consecutive numbers are 31-60.
        Assert.Equal(1, val.Count);
        Assert.Equal(Enumerable.Range(31, 30), val.Origin(0).FrameNumbers);
        // the .avi: 35 frames numbered from 1, one clip 6-35.
        Assert.Equal(1, test.Count);
        Assert.Equal(Enumerable.Range(6, 30), test.Origin(0).FrameNumbers);

        var clip = test.ReadClip(0);
        Assert.Equal(30 * 128 * 128, clip.Data.Length);
        Assert.All(clip.Data.ToArray(), v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(before, FolderSnapshot.Take(data.Path));
    }

    [Fact]
    public void ZeroValidationFractionKeepsEveryTrainingPersonsVideoInTrain()
    {
        using var data = new TempFolder();
        using var cache = new TempFolder();
        WriteKth(data.Path);
        var options = new KthOptions { CacheDirectory = cache.Path, ValidationFraction = 0 };
        using var train = KthDataset.Open(data.Path, DatasetSplit.Train, options);
        Assert.Equal(3, train.SourceNames.Count);
        Assert.Equal(7, train.Count);
        var ex = Assert.Throws<DatasetException>(() => KthDataset.Open(data.Path, DatasetSplit.Validation, options));
        Assert.Contains("ValidationFraction", ex.Message);
    }

    [Fact]
    public void ACorruptFrameImageIsNamedAndNothingIsWrittenToTheDataFolder()
    {
        using var data = new TempFolder();
        using var cache = new TempFolder();
        for (int i = 1; i <= 30; i++)
        {
            Synthetic.WriteImage(Path.Combine(data.Path, "handwaving", "person05_handwaving_d3_uncomp", $"image_{i:D4}.jpg"), i, 32, 24);
        }

        string bad = Path.Combine(data.Path, "handwaving", "person05_handwaving_d3_uncomp", "image_0017.jpg");
        File.WriteAllBytes(bad, [0xFF, 0xD8, 1, 2, 3, 4, 5]);
        var before = FolderSnapshot.Take(data.Path);
        var ex = Assert.Throws<DatasetException>(() => KthDataset.Open(data.Path, DatasetSplit.Train, new KthOptions { CacheDirectory = cache.Path, ValidationFraction = 0 }));
        Assert.Contains("image_0017.jpg", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(before, FolderSnapshot.Take(data.Path));
        Assert.Empty(Directory.GetFiles(cache.Path));
    }

    [Fact]
    public void AFolderWithoutKthVideosIsRejected()
    {
        using var data = new TempFolder();
        data.CreateFolder("boxing", "holiday_pictures");
        var ex = Assert.Throws<DatasetException>(() => KthDataset.Open(data.Path, DatasetSplit.Train));
        Assert.Contains("no KTH videos", ex.Message);
    }
}
