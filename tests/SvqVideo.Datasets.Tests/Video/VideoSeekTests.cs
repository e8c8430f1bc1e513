using SvqVideo.Datasets.Video;
using SvqVideo.Testing;

namespace SvqVideo.Datasets.Tests.Video;

/// <summary>
/// <see cref="VideoFrameReader.Seek"/>: the frame after a seek is the frame a decode from the start reaches, on the codecs
/// users have (H.264 and MPEG-4 with B-frames, made by ffmpeg; MPEG-4 and Motion JPEG as OpenCV writes them).
/// </summary>
public sealed class VideoSeekTests
{
    private static readonly int[] Targets = [1, 2, 23, 24, 25, 47, 48, 49, 96, 97, 120, 149, 60, 3, 0, 131];

    public static TheoryData<string> Files => new() { "counter-h264.mp4", "counter-mpeg4.mp4" };

    [Theory]
    [MemberData(nameof(Files))]
    public void ASeekLandsOnTheFrameADecodeFromTheStartReaches(string name)
    {
        string path = CommittedFile(name);
        var frames = DecodeAll(path);
        Assert.Equal(150, frames.Count);
        AssertSeeksMatch(path, frames, allowSeek: true);
    }

    [Theory]
    [InlineData(".mp4")]
    [InlineData(".avi")]
    public void ASeekInAFileOpenCvWroteLandsOnTheSameFrame(string extension)
    {
        using var dir = new TempFolder();
        string path = Write(dir.Combine("clip" + extension), 150, 40, 30);
        AssertSeeksMatch(path, DecodeAll(path), allowSeek: true);
    }

    [Fact]
    public void WithoutContainerSeekingTheReaderDecodesItsWayToTheSameFrames()
    {
        string path = CommittedFile("counter-h264.mp4");
        AssertSeeksMatch(path, DecodeAll(path), allowSeek: false);
    }

    [Fact]
    public void ASeekPastTheEndLeavesNothingToReadAndThePositionAtTheLength()
    {
        using var reader = VideoFrameReader.Open(CommittedFile("counter-mpeg4.mp4"));
        reader.Seek(400);
        Assert.False(reader.ReadFrame(new byte[reader.Format.FrameBytes]));
        Assert.Equal(150, reader.Position);
        reader.Seek(10);
        Assert.True(reader.ReadFrame(new byte[reader.Format.FrameBytes]));
        Assert.Equal(11, reader.Position);
    }

    [Fact]
    public void TheNativeCopyOfTheFrameReadIsAtTheFilesOwnSize()
    {
        using var dir = new TempFolder();
        string path = Write(dir.Combine("clip.avi"), 5, 40, 30);
        using var reader = VideoFrameReader.Open(path, new VideoReadOptions { Width = 8, Height = 6 });
        Assert.Throws<InvalidOperationException>(() => reader.CopyNativeFrame(new byte[reader.NativeFormat.FrameBytes]));
        var small = new byte[reader.Format.FrameBytes];
        Assert.True(reader.ReadFrame(small));
        var native = new byte[reader.NativeFormat.FrameBytes];
        reader.CopyNativeFrame(native);
        Assert.Equal((40, 30, 3), (reader.NativeFormat.Width, reader.NativeFormat.Height, reader.NativeFormat.Channels));
        using var full = VideoFrameReader.Open(path);
        var expected = new byte[full.Format.FrameBytes];
        Assert.True(full.ReadFrame(expected));
        Assert.Equal(expected, native);
    }

    internal static string CommittedFile(string name) => Path.Combine(AppContext.BaseDirectory, "Video", "Files", name);

    internal static List<byte[]> DecodeAll(string path, VideoReadOptions? options = null)
    {
        using var reader = VideoFrameReader.Open(path, (options ?? new VideoReadOptions()) with { AllowSeek = false });
        var frames = new List<byte[]>();
        while (true)
        {
            var frame = new byte[reader.Format.FrameBytes];
            if (!reader.ReadFrame(frame))
            {
                return frames;
            }

            frames.Add(frame);
        }
    }

    /// <summary>Frames whose pixels encode their index (a gradient plus a bar whose position is the index).</summary>
    internal static string Write(string path, int frames, int width, int height)
    {
        using var writer = new VideoFileWriter(path, width, height, 3, 30);
        var frame = new float[3 * width * height];
        for (int t = 0; t < frames; t++)
        {
            for (int c = 0; c < 3; c++)
            {
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        bool bar = x == t % width || y == (t / width) % height;
                        frame[(((c * height) + y) * width) + x] = bar ? 1f : (c + 1) * 0.2f * x / width;
                    }
                }
            }

            writer.Write(frame);
        }

        writer.Complete();
        return path;
    }

    private static void AssertSeeksMatch(string path, List<byte[]> frames, bool allowSeek)
    {
        using var reader = VideoFrameReader.Open(path, new VideoReadOptions { AllowSeek = allowSeek });
        var frame = new byte[reader.Format.FrameBytes];
        bool anyByContainer = false;
        foreach (int target in Targets.Where(t => t < frames.Count))
        {
            reader.Seek(target);
            anyByContainer |= reader.LastSeekUsedContainer;
            Assert.Equal(target, reader.Position);
            Assert.True(reader.ReadFrame(frame), $"no frame after seeking to {target}");
            Assert.True(frames[target].AsSpan().SequenceEqual(frame), $"seeking to frame {target} landed elsewhere");
            if (target + 1 < frames.Count)
            {
                Assert.True(reader.ReadFrame(frame));
                Assert.True(frames[target + 1].AsSpan().SequenceEqual(frame), $"the frame after {target} differs");
            }
        }

        // With seeking allowed the container did the work (the test is about its seeks); without, it never did.
        Assert.Equal(allowSeek, anyByContainer);
    }
}
