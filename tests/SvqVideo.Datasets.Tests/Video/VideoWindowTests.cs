using SvqVideo.Datasets.Video;
using SvqVideo.Testing;

namespace SvqVideo.Datasets.Tests.Video;

/// <summary>
/// <see cref="VideoWindow"/>: the frames before a point, the truth after it and the last few at full size, equal to what
/// a decode of the whole file gives, read without decoding what lies before the window.
/// </summary>
public sealed class VideoWindowTests
{
    private static readonly VideoReadOptions Small = new() { Width = 24, Height = 16 };

    [Theory]
    [InlineData("counter-h264.mp4")]
    [InlineData("counter-mpeg4.mp4")]
    public void ToTheEndTheWindowIsTheLastFramesOfTheVideo(string name)
    {
        string path = VideoSeekTests.CommittedFile(name);
        var small = VideoSeekTests.DecodeAll(path, Small);
        var native = VideoSeekTests.DecodeAll(path);

        var window = VideoWindow.Read(path, new VideoWindowOptions { Read = Small, Frames = 40, NativeFrames = 3 });

        Assert.Equal((110, 150, 150), (window.Start, window.End, window.Length));
        Assert.True(window.Seeked, "the reader decoded the file from the start instead of seeking to the window");
        Assert.Null(window.After);
        AssertFrames(small, 110, window.Before);
        Assert.Equal(3, window.NativeCount);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(native[147 + i].AsSpan().SequenceEqual(window.NativeFrame(i)), $"native frame {147 + i} differs");
        }

        Assert.Equal(native[149].Select(b => b / 255f).ToArray(), Planar(window.NativeFrameAsFloat(2), window.NativeFormat));
    }

    [Fact]
    public void AnExplicitEndGivesTheFramesBeforeItAndTheTruthAfterIt()
    {
        string path = VideoSeekTests.CommittedFile("counter-h264.mp4");
        var small = VideoSeekTests.DecodeAll(path, Small);
        var native = VideoSeekTests.DecodeAll(path);

        var window = VideoWindow.Read(path, new VideoWindowOptions { Read = Small, End = 100, Frames = 30, After = 10, NativeFrames = 2 });

        Assert.Equal((70, 100), (window.Start, window.End));
        Assert.Null(window.Length);
        AssertFrames(small, 70, window.Before);
        AssertFrames(small, 100, window.After!);
        Assert.True(native[98].AsSpan().SequenceEqual(window.NativeFrame(0)));
        Assert.True(native[99].AsSpan().SequenceEqual(window.NativeFrame(1)));
    }

    [Fact]
    public void NearTheEdgesTheWindowTakesWhatTheVideoHas()
    {
        string path = VideoSeekTests.CommittedFile("counter-mpeg4.mp4");
        var small = VideoSeekTests.DecodeAll(path, Small);

        // Before the start: fewer frames before the end point.
        var early = VideoWindow.Read(path, new VideoWindowOptions { Read = Small, End = 12, Frames = 50, After = 5 });
        Assert.Equal((0, 12, 12), (early.Start, early.End, early.Before.Frames));
        AssertFrames(small, 12, early.After!);

        // Truth past the end: as much as there is, and the length is known.
        var late = VideoWindow.Read(path, new VideoWindowOptions { Read = Small, End = 145, Frames = 10, After = 20 });
        Assert.Equal((145, 150, 5), (late.End, late.Length, late.After!.Frames));

        // An end past the video: the window ends where the video does, and says so.
        var past = VideoWindow.Read(path, new VideoWindowOptions { Read = Small, End = 400, Frames = 10 });
        Assert.Equal((140, 150, 150), (past.Start, past.End, past.Length));
        AssertFrames(small, 140, past.Before);
    }

    [Fact]
    public void ADurationSetsTheWindowInTheVideosTime()
    {
        string path = VideoSeekTests.CommittedFile("counter-h264.mp4");
        var window = VideoWindow.Read(path, new VideoWindowOptions { Read = Small, Frames = 1, Duration = TimeSpan.FromSeconds(2) });
        Assert.Equal((90, 150), (window.Start, window.End));
    }

    [Fact]
    public void OnAVariableFrameRateFileTheWindowStillHoldsTheLastFrames()
    {
        string path = VideoSeekTests.CommittedFile("counter-vfr.mkv");
        var small = VideoSeekTests.DecodeAll(path, Small);
        var window = VideoWindow.Read(path, new VideoWindowOptions { Read = Small, Frames = 20 });
        Assert.Equal(20, window.Before.Frames);
        AssertFrames(small, small.Count - 20, window.Before);
    }

    [Fact]
    public void ALongVideoIsReadFromItsWindowNotFromItsStart()
    {
        using var dir = new TempFolder();
        string path = VideoSeekTests.Write(dir.Combine("long.avi"), 3000, 32, 24);
        var window = VideoWindow.Read(path, new VideoWindowOptions { Read = Small, Frames = 25, NativeFrames = 1 });
        Assert.Equal((2975, 3000), (window.Start, window.End));
        Assert.True(window.Seeked);
        using var reader = VideoFrameReader.Open(path, Small);
        reader.Seek(2999);
        var last = new float[reader.Format.FrameBytes];
        Assert.True(reader.ReadFrame(last));
        Assert.Equal(last, window.Before.Frame(24).ToArray());
    }

    [Fact]
    public void AWindowTooLargeForMemoryIsRefusedBeforeAnythingIsAllocated()
    {
        string path = VideoSeekTests.CommittedFile("counter-h264.mp4");
        var e = Assert.Throws<DatasetException>(() => VideoWindow.Read(path, new VideoWindowOptions { Read = new VideoReadOptions { Width = 4000, Height = 4000 }, Frames = 100_000 }));
        Assert.Contains("does not fit in memory", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => VideoWindow.Read(path, new VideoWindowOptions { Read = new VideoReadOptions { FrameStep = 2 } }));
    }

    private static void AssertFrames(List<byte[]> expected, int first, FrameClip actual)
    {
        var f = new FrameFormat(actual.Height, actual.Width, actual.Channels);
        for (int t = 0; t < actual.Frames; t++)
        {
            var want = expected[first + t].Select(b => b / 255f).ToArray();
            Assert.True(want.AsSpan().SequenceEqual(Planar(actual.Frame(t).ToArray(), f)), $"frame {first + t} differs");
        }
    }

    // C×H×W floats back to H×W×C order, to compare with the decoded bytes.
    private static float[] Planar(float[] chw, FrameFormat f)
    {
        var hwc = new float[chw.Length];
        int plane = f.Height * f.Width;
        for (int c = 0; c < f.Channels; c++)
        {
            for (int i = 0; i < plane; i++)
            {
                hwc[(i * f.Channels) + c] = chw[(c * plane) + i];
            }
        }

        return hwc;
    }
}
