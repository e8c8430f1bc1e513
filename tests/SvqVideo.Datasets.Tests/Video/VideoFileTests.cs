using SvqVideo.Datasets.Video;
using SvqVideo.Testing;

namespace SvqVideo.Datasets.Tests.Video;

public sealed class VideoFileTests
{
    [Theory]
    [InlineData(64, 48)]
    [InlineData(65, 47)]
    public void WrittenVideoReadsBackWithFrameCountSizeAndFps(int width, int height)
    {
        using var dir = new TempFolder();
        string path = dir.Combine("out.mp4");
        var data = new float[12 * 3 * height * width];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (i % 97) / 96f;
        }

        var clip = new FrameClip(data, 12, 3, height, width);
        int encodedWidth, encodedHeight;
        using (var writer = new VideoFileWriter(path, width, height, 3, 12.5))
        {
            writer.Write(clip);
            writer.Complete();
            (encodedWidth, encodedHeight) = (writer.EncodedWidth, writer.EncodedHeight);
        }

        Assert.Equal(width + (width % 2), encodedWidth);
        Assert.Equal(height + (height % 2), encodedHeight);

        Assert.Equal(["out.mp4"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        var info = VideoFile.Probe(path);
        Assert.Equal(12, info.FrameCount);
        Assert.Equal(encodedWidth, info.Width);
        Assert.Equal(encodedHeight, info.Height);
        Assert.Equal(12.5, info.Fps, 3);
        var back = VideoFile.ReadAll(path);
        Assert.Equal(12, back.Frames.Frames);
        Assert.Equal(3, back.Frames.Channels);
        Assert.Equal(encodedHeight, back.Frames.Height);
        Assert.Equal(encodedWidth, back.Frames.Width);
        Assert.Equal((encodedWidth, encodedHeight), (back.NativeWidth, back.NativeHeight));

        var resized = VideoFile.ReadAll(path, new VideoReadOptions { Channels = 1, Width = 8, Height = 6 });
        Assert.Equal((8, 6), (resized.Frames.Width, resized.Frames.Height));
        Assert.Equal((info.Width, info.Height), (resized.NativeWidth, resized.NativeHeight));
    }

    [Fact]
    public void ColourSurvivesTheRoundTripInRgbOrder()
    {
        using var dir = new TempFolder();
        string path = dir.Combine("red.mp4");
        const int w = 32, h = 32, plane = w * h;
        var frame = new float[3 * plane];
        for (int i = 0; i < plane; i++)
        {
            frame[i] = 0.9f;
            frame[plane + i] = 0.2f + (0.3f * (i % w) / w);
            frame[(2 * plane) + i] = 0.1f;
        }

        using (var writer = new VideoFileWriter(path, w, h, 3, 10))
        {
            for (int t = 0; t < 5; t++)
            {
                writer.Write(frame);
            }

            writer.Complete();
        }

        var back = VideoFile.ReadAll(path);
        Assert.Equal(5, back.Frames.Frames);
        var got = back.Frames.Frame(2);
        double meanAbs = 0;
        for (int i = 0; i < got.Length; i++)
        {
            meanAbs += Math.Abs(got[i] - frame[i]);
        }

        meanAbs /= got.Length;
        Assert.True(meanAbs < 0.03, $"mean absolute error after mp4v round trip {meanAbs:F4}");
        var gray = VideoFile.ReadAll(path, new VideoReadOptions { Channels = 1 });
        Assert.Equal(1, gray.Frames.Channels);
    }

    [Fact]
    public void WriterRejectsAFrameOfTheWrongSizeInsteadOfDroppingIt()
    {
        using var dir = new TempFolder();
        string path = dir.Combine("o.mp4");
        using var writer = new VideoFileWriter(path, 16, 16, 3, 10);
        var ex = Assert.Throws<ArgumentException>(() => writer.Write(new float[3 * 16 * 17]));
        Assert.Contains("3x16x16", ex.Message);
        var clip = new FrameClip(new float[2 * 16 * 16], 2, 1, 16, 16);
        Assert.Throws<ArgumentException>(() => writer.Write(clip));
        Assert.Equal(0, writer.FramesWritten);
    }

    [Fact]
    public void AbandonedWriterLeavesNoFileAndKeepsTheOldTarget()
    {
        using var dir = new TempFolder();
        string path = dir.Combine("keep.mp4");
        File.WriteAllText(path, "old");
        using (var writer = new VideoFileWriter(path, 16, 16, 1, 10))
        {
            writer.Write(new float[16 * 16]);
        }

        Assert.Equal(["keep.mp4"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        Assert.Equal("old", File.ReadAllText(path));
    }

    [Fact]
    public void FrameStepAndOffsetKeepEveryThirdFrameStartingAtTheThird()
    {
        using var dir = new TempFolder();
        string path = dir.Combine("v.avi");
        Synthetic.WriteVideo(path, 10, 32, 24, "MJPG");
        var all = VideoFile.ReadAll(path);
        var kept = VideoFile.ReadAll(path, new VideoReadOptions { FrameStep = 3, FrameOffset = 2 });
        Assert.Equal(10, all.Frames.Frames);
        Assert.Equal(3, kept.Frames.Frames);
        for (int k = 0; k < 3; k++)
        {
            Assert.True(all.Frames.Frame(2 + (3 * k)).SequenceEqual(kept.Frames.Frame(k)));
        }
    }
}
