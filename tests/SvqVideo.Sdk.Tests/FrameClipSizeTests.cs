namespace SvqVideo.Sdk.Tests;

/// <summary>
/// A video's frames times its pixels passes 2^31 easily; the clip's size arithmetic is 64-bit and a clip too large for
/// one array is refused with one line, without allocating it.
/// </summary>
public sealed class FrameClipSizeTests
{
    [Fact]
    public void TheValueCountOfAMinuteOf720pIsCountedIn64Bits()
    {
        // 1800 frames of 1280x720 colour: 4,976,640,000 values, which 32-bit arithmetic wraps to a wrong number.
        long count = FrameClip.ValueCount(1800, 3, 720, 1280);
        Assert.Equal(4_976_640_000L, count);
        Assert.True(count > int.MaxValue);
        Assert.Equal(unchecked(1800 * 3 * 720 * 1280), (int)count);
        Assert.Equal(1L << 40, FrameClip.ValueCount(1 << 10, 1 << 10, 1 << 10, 1 << 10));
        Assert.Throws<OverflowException>(() => FrameClip.ValueCount(int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameClip.ValueCount(-1, 3, 2, 2));
    }

    [Fact]
    public void AClipTooLargeForOneArrayIsRefusedWithOneLineBeforeAllocating()
    {
        var e = Assert.Throws<ArgumentException>(() => FrameClip.Allocate(1800, 3, 720, 1280));
        Assert.Contains("4,976,640,000 values", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.True(FrameClip.MaxValues < FrameClip.ValueCount(1800, 3, 720, 1280));
        Assert.Equal(2 * 3 * 4 * 5, FrameClip.Allocate(2, 3, 4, 5).Length);
    }

    [Fact]
    public void FramesAndSlicesOfAClipAreTheRightValues()
    {
        var data = Enumerable.Range(0, 4 * 2 * 3 * 5).Select(i => (float)i).ToArray();
        var clip = new FrameClip(data, 4, 2, 3, 5);
        Assert.Equal(data[90..120], clip.Frame(3).ToArray());
        var slice = clip.Slice(1, 2);
        Assert.Equal(data[30..90], slice.Data.ToArray());
        var joined = FrameClip.Concat(slice, clip.Slice(3, 1));
        Assert.Equal(data[30..120], joined.Data.ToArray());
    }
}
