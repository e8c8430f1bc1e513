using SvqVideo.Datasets.Human36m;
using SvqVideo.Testing;

namespace SvqVideo.Datasets.Tests.Human36m;

public sealed class Human36mDatasetTests
{
    private static readonly string[] Videos = ["S1_Walking.54138969_", "S5_Eating.55011271_", "S9_Sitting.58860488_", "S11_Phoning.60457274_"];

    // Four videos of 56 frames (64x48 jpg); train.txt starts clips at 1 and 21, test.txt at 11.
    private static void WriteHuman(string root)
    {
        for (int v = 0; v < Videos.Length; v++)
        {
            for (int n = 1; n <= 56; n++)
            {
                Synthetic.WriteImage(Path.Combine(root, "images", $"{Videos[v]}{n:D6}.jpg"), n, 64, 48, seed: v * 40);
            }
        }

        File.WriteAllLines(Path.Combine(root, "train.txt"), Videos.SelectMany(v => new[] { $"images/{v},1,36", $"images/{v},21,56" }));
        File.WriteAllLines(Path.Combine(root, "test.txt"), Videos.Select(v => $"images/{v},11,46"));
    }

    [Fact]
    public void OpenStlListsGiveEightFramesEveryFifthAt256By256ColourInRgb()
    {
        using var data = new TempFolder();
        WriteHuman(data.Path);
        var before = FolderSnapshot.Take(data.Path);
        var options = new Human36mOptions { ValidationFraction = 0.25 };
        using var train = Human36mDataset.Open(data.Path, DatasetSplit.Train, options);
        using var val = Human36mDataset.Open(data.Path, DatasetSplit.Validation, options);
        using var test = Human36mDataset.Open(data.Path, DatasetSplit.Test, options);

        Assert.Equal((4, 4, 3, 256, 256), (test.FramesIn, test.FramesOut, test.Channels, test.Height, test.Width));
        Assert.Equal((6, 2, 4), (train.Count, val.Count, test.Count));
        Assert.Equal(["images/S9_Sitting.58860488_"], val.SourceNames);
        Assert.DoesNotContain("images/S9_Sitting.58860488_", train.SourceNames);
        Assert.Equal([11, 16, 21, 26, 31, 36, 41, 46], test.Origin(0).FrameNumbers);

        int sIndex = Array.IndexOf(Videos, test.Origin(0).Source["images/".Length..]);
        var clip = test.ReadClip(0);
        int plane = 256 * 256;
        for (int t = 0; t < 8; t++)
        {
            int n = 11 + (5 * t);
            float red = (((n * 29) + (sIndex * 40)) % 200 + 20) / 255f;
            float blue = (((n * 7) + (sIndex * 40)) % 200 + 20) / 255f;
            var frame = clip.Frame(t);
            Assert.InRange(frame[0], red - 0.02f, red + 0.02f);
            Assert.InRange(frame[2 * plane], blue - 0.02f, blue + 0.02f);
        }

        Assert.All(clip.Data.ToArray(), v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(before, FolderSnapshot.Take(data.Path));
    }

    [Fact]
    public void BgrOptionSwapsTheColourChannelsAsOpenStlFeedsThem()
    {
        using var data = new TempFolder();
        WriteHuman(data.Path);
        using var rgb = Human36mDataset.Open(data.Path, DatasetSplit.Test, new Human36mOptions { Height = 32, Width = 32 });
        using var bgr = Human36mDataset.Open(data.Path, DatasetSplit.Test, new Human36mOptions { Height = 32, Width = 32, ChannelOrder = ChannelOrder.Bgr });
        var a = rgb.ReadClip(1).Frame(0);
        var b = bgr.ReadClip(1).Frame(0);
        int plane = 32 * 32;
        Assert.True(a[..plane].SequenceEqual(b[(2 * plane)..]));
        Assert.True(a[(2 * plane)..].SequenceEqual(b[..plane]));
        Assert.False(a[..plane].SequenceEqual(a[(2 * plane)..]));
    }

    [Fact]
    public void BySubjectSplitKeepsTestSubjectsOutOfTrainingAndValidation()
    {
        using var data = new TempFolder();
        WriteHuman(data.Path);
        var options = new Human36mOptions { Protocol = Human36mProtocol.BySubject, ValidationFraction = 0.5, Height = 32, Width = 32 };
        using var train = Human36mDataset.Open(data.Path, DatasetSplit.Train, options);
        using var val = Human36mDataset.Open(data.Path, DatasetSplit.Validation, options);
        using var test = Human36mDataset.Open(data.Path, DatasetSplit.Test, options);
        Assert.Equal(["images/S1_Walking.54138969_"], train.SourceNames);
        Assert.Equal(["images/S5_Eating.55011271_"], val.SourceNames);
        Assert.Equal(["images/S11_Phoning.60457274_", "images/S9_Sitting.58860488_"], test.SourceNames);
        Assert.Equal((3, 3, 6), (train.Count, val.Count, test.Count));
    }

    [Fact]
    public void MalformedListLineAndMissingFrameAreNamed()
    {
        using var data = new TempFolder();
        WriteHuman(data.Path);
        File.AppendAllLines(data.Combine("test.txt"), ["images/S9_Sitting.58860488_;oops"]);
        var ex = Assert.Throws<DatasetException>(() => Human36mDataset.Open(data.Path, DatasetSplit.Test));
        Assert.Contains("test.txt line 5", ex.Message);

        File.Delete(data.Combine("images", "S1_Walking.54138969_000016.jpg"));
        var before = FolderSnapshot.Take(data.Path);
        using var train = Human36mDataset.Open(data.Path, DatasetSplit.Train, new Human36mOptions { ValidationFraction = 0, Height = 32, Width = 32 });
        int broken = Enumerable.Range(0, train.Count).First(i => train.Origin(i).Source.Contains("S1_") && train.Origin(i).FrameNumbers.Contains(16));
        ex = Assert.Throws<DatasetException>(() => train.ReadClip(broken));
        Assert.Contains("S1_Walking.54138969_000016.jpg", ex.Message);
        Assert.Equal(before, FolderSnapshot.Take(data.Path));
    }
}
