using OpenCvSharp;
using PureHDF;
using SvqVideo.Datasets.KittiCaltech;
using SvqVideo.Testing;

namespace SvqVideo.Datasets.Tests.KittiCaltech;

public sealed class KittiCaltechDatasetTests
{
    // Frame f of a KITTI file: every RGB pixel (r, c) holds (f + r, 2f + c, 3f + r + c) mod 256.
    private static byte[] KittiFrames(int count)
    {
        var data = new byte[count * 128 * 160 * 3];
        for (int f = 0; f < count; f++)
        {
            for (int r = 0; r < 128; r++)
            {
                for (int c = 0; c < 160; c++)
                {
                    int at = (((f * 128) + r) * 160 + c) * 3;
                    data[at] = (byte)(f + r);
                    data[at + 1] = (byte)((2 * f) + c);
                    data[at + 2] = (byte)((3 * f) + r + c);
                }
            }
        }

        return data;
    }

    // hickle 2 stored arrays under /data_0, hickle 4 under /data: write one of each.
    private static void WriteKitti(string root, string part, int[] runLengths, string arrayName, bool fixedLengthIds)
    {
        string dir = Directory.CreateDirectory(Path.Combine(root, "kitti_hkl")).FullName;
        int n = runLengths.Sum();
        new H5File { [arrayName] = new H5Dataset(KittiFrames(n), fileDims: [(ulong)n, 128, 160, 3]) }.Write(Path.Combine(dir, $"X_{part}.hkl"));
        var ids = runLengths.SelectMany((len, i) => Enumerable.Repeat($"city-2011_09_26_drive_{i:D4}_sync", len)).ToArray();
        var writeOptions = fixedLengthIds ? new H5WriteOptions(DefaultStringLength: 40) : new H5WriteOptions();
        new H5File { [arrayName] = ids }.Write(Path.Combine(dir, $"sources_{part}.hkl"), writeOptions);
    }

    // A 640x480 video whose left half is dark and right half bright, with the frame index in the top-left pixel block.
    private static void WriteCaltech(string path, int frames, string fourcc)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var writer = new VideoWriter(path, FourCC.FromString(fourcc), 30, new OpenCvSharp.Size(640, 480), true);
        Assert.True(writer.IsOpened());
        for (int i = 0; i < frames; i++)
        {
            using var m = new Mat(480, 640, MatType.CV_8UC3, new Scalar(20, 20, 20));
            Cv2.Rectangle(m, new Rect(320, 0, 320, 480), new Scalar(230, 230, 230), -1);
            writer.Write(m);
        }
    }

    [Fact]
    public void KittiHickleFilesGiveNonOverlappingClipsPerRecordingInRgb()
    {
        using var data = new TempFolder();
        using var cache = new TempFolder();
        WriteKitti(data.Path, "train", [25, 11, 30], "data_0", fixedLengthIds: false);
        WriteKitti(data.Path, "val", [12], "data", fixedLengthIds: true);
        var before = FolderSnapshot.Take(data.Path);
        var options = new KittiCaltechOptions { CacheDirectory = cache.Path };

        using var train = KittiCaltechDataset.Open(data.Path, DatasetSplit.Train, options);
        Assert.Equal((10, 1, 3, 128, 160), (train.FramesIn, train.FramesOut, train.Channels, train.Height, train.Width));
        Assert.Equal(3, train.SourceNames.Count);
        // 25 frames: 14-24 and 3-13; 11 frames: 0-10; 30 frames: 19-29 and 8-18 (backwards, stride 11).
        Assert.Equal([3, 14, 0, 8, 19], Enumerable.Range(0, train.Count).Select(i => train.Origin(i).FrameNumbers[0]));
        Assert.Equal("city-2011_09_26_drive_0002_sync", train.Origin(4).Source);

        // Clip 2 is the whole second recording: global frames 25..35, copied exactly (/255) in RGB.
        var clip = train.ReadClip(2);
        int plane = 128 * 160;
        for (int t = 0; t < 11; t++)
        {
            int f = 25 + t;
            var frame = clip.Frame(t);
            Assert.Equal((byte)(f + 5) / 255f, frame[(5 * 160) + 7]);
            Assert.Equal((byte)((2 * f) + 7) / 255f, frame[plane + (5 * 160) + 7]);
            Assert.Equal((byte)((3 * f) + 12) / 255f, frame[(2 * plane) + (5 * 160) + 7]);
        }

        using var val = KittiCaltechDataset.Open(data.Path, DatasetSplit.Validation, options);
        Assert.Equal(1, val.Count);
        Assert.Equal(Enumerable.Range(1, 11), val.Origin(0).FrameNumbers);
        Assert.Equal(before, FolderSnapshot.Take(data.Path));
    }

    [Fact]
    public void CaltechVideosKeepEveryThirdFrameScaledToHeight128AndCentreCropped()
    {
        using var data = new TempFolder();
        using var cache = new TempFolder();
        WriteCaltech(data.Combine("caltech", "set06", "V000.mp4"), 70, "mp4v");
        WriteCaltech(data.Combine("caltech", "set07", "V001.avi"), 40, "MJPG");
        var before = FolderSnapshot.Take(data.Path);
        using var test = KittiCaltechDataset.Open(data.Path, DatasetSplit.Test, new KittiCaltechOptions { CacheDirectory = cache.Path });

        Assert.Equal([Path.Combine("caltech", "set06", "V000.mp4"), Path.Combine("caltech", "set07", "V001.avi")], test.SourceNames);
        // 70 frames keep 2, 5, …, 68 (23 frames): clips of 11 end at kept frames 22 and 11; 40 frames keep 13: one clip.
        Assert.Equal(3, test.Count);
        Assert.Equal(Enumerable.Range(0, 11).Select(k => 2 + (3 * (1 + k))), test.Origin(0).FrameNumbers);
        Assert.Equal(Enumerable.Range(0, 11).Select(k => 2 + (3 * (12 + k))), test.Origin(1).FrameNumbers);

        // 640x480 → 171x128 (edge at column 85.3) → columns 5..164 (edge at 80.3).
        var frame = test.ReadClip(2).Frame(0);
        Assert.InRange(frame[(64 * 160) + 75], 0f, 0.2f);
        Assert.InRange(frame[(64 * 160) + 86], 0.8f, 1f);
        Assert.Equal(before, FolderSnapshot.Take(data.Path));
    }

    [Fact]
    public void MissingOrForeignHickleFilesAreNamed()
    {
        using var data = new TempFolder();
        using var cache = new TempFolder();
        var options = new KittiCaltechOptions { CacheDirectory = cache.Path };
        var ex = Assert.Throws<DatasetException>(() => KittiCaltechDataset.Open(data.Path, DatasetSplit.Train, options));
        Assert.Contains("sources_train.hkl", ex.Message);

        data.CreateFolder("kitti_hkl");
        File.WriteAllText(data.Combine("kitti_hkl", "sources_train.hkl"), "not hdf5");
        ex = Assert.Throws<DatasetException>(() => KittiCaltechDataset.Open(data.Path, DatasetSplit.Train, options));
        Assert.Contains("not a readable HDF5", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
