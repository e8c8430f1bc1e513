using SvqVideo.Datasets.Mnist;
using SvqVideo.Testing;

namespace SvqVideo.Datasets.Tests.Mnist;

public sealed class MovingMnistTests
{
    [Fact]
    public void BundledDigitsAreTenThousand28By28Images()
    {
        var digits = MnistIdx.Bundled;
        Assert.Equal(10_000, digits.Count);
        Assert.Equal(28, digits.Rows);
        Assert.Equal(28, digits.Columns);
    }

    [Fact]
    public void SameSeedGivesTheSameClipAndOtherSeedsDiffer()
    {
        var a = MovingMnist.Create(DatasetSplit.Train, new MovingMnistOptions { Seed = 7, Count = 50 });
        var b = MovingMnist.Create(DatasetSplit.Train, new MovingMnistOptions { Seed = 7, Count = 50 });
        var c = MovingMnist.Create(DatasetSplit.Train, new MovingMnistOptions { Seed = 8, Count = 50 });
        Assert.True(a.ReadClip(13).Data.Span.SequenceEqual(b.ReadClip(13).Data.Span));
        Assert.False(a.ReadClip(13).Data.Span.SequenceEqual(c.ReadClip(13).Data.Span));
        Assert.False(a.ReadClip(13).Data.Span.SequenceEqual(a.ReadClip(14).Data.Span));
    }

    [Fact]
    public void ClipsAreTheSameWhenGeneratedConcurrently()
    {
        var ds = MovingMnist.Create(DatasetSplit.Train, new MovingMnistOptions { Count = 64 });
        var sequential = Enumerable.Range(0, 64).Select(i => ds.ReadClip(i).Data.ToArray()).ToArray();
        var parallel = new float[64][];
        Parallel.For(0, 64, i => parallel[i] = ds.ReadClip(i).Data.ToArray());
        for (int i = 0; i < 64; i++)
        {
            Assert.Equal(sequential[i], parallel[i]);
        }
    }

    [Fact]
    public void TrainValidationAndTestDrawFromDisjointDigitSets()
    {
        var splits = new[] { DatasetSplit.Train, DatasetSplit.Validation, DatasetSplit.Test }
            .Select(s => MovingMnist.Create(s, new MovingMnistOptions { Count = 300 }))
            .ToArray();
        var used = splits.Select(ds => Enumerable.Range(0, ds.Count).SelectMany(i => ds.Layout(i).DigitIndices).ToHashSet()).ToArray();
        for (int s = 0; s < splits.Length; s++)
        {
            Assert.All(used[s], d => Assert.InRange(d, splits[s].FirstDigit, splits[s].FirstDigit + splits[s].DigitCount - 1));
            for (int o = s + 1; o < splits.Length; o++)
            {
                var a = Enumerable.Range(splits[s].FirstDigit, splits[s].DigitCount);
                var b = Enumerable.Range(splits[o].FirstDigit, splits[o].DigitCount);
                Assert.Empty(a.Intersect(b));
                Assert.Empty(used[s].Intersect(used[o]));
            }
        }

        Assert.Equal(10_000, splits.Sum(s => s.DigitCount));
    }

    [Fact]
    public void ClipHasTwentyFramesOf64By64InTheUnitRange()
    {
        var ds = MovingMnist.Create(DatasetSplit.Test, new MovingMnistOptions { Count = 10 });
        Assert.Equal((10, 10, 1, 64, 64), (ds.FramesIn, ds.FramesOut, ds.Channels, ds.Height, ds.Width));
        var clip = ds.ReadClip(3);
        Assert.Equal(20, clip.Frames);
        Assert.All(clip.Data.ToArray(), v => Assert.InRange(v, 0f, 1f));
        Assert.True(clip.Data.ToArray().Max() > 0.5f);
    }

    [Fact]
    public void DigitsMoveAtConstantSpeedBounceAndStayInsideTheCanvas()
    {
        var ds = MovingMnist.Create(DatasetSplit.Train, new MovingMnistOptions { Count = 200, FramesOut = 30 });
        int free = 64 - 28;
        bool bounced = false;
        for (int i = 0; i < ds.Count; i++)
        {
            var layout = ds.Layout(i);
            Assert.Equal(2, layout.DigitIndices.Length);
            for (int d = 0; d < 2; d++)
            {
                var tops = layout.Tops[d];
                var lefts = layout.Lefts[d];
                for (int t = 0; t < tops.Length; t++)
                {
                    Assert.InRange(tops[t], 0, free);
                    Assert.InRange(lefts[t], 0, free);
                    if (t > 0)
                    {
                        // 0.1 of 36 px per frame, plus one pixel of truncation.
                        Assert.InRange(Math.Abs(tops[t] - tops[t - 1]), 0, 5);
                        Assert.InRange(Math.Abs(lefts[t] - lefts[t - 1]), 0, 5);
                    }

                    if (t > 1 && Math.Sign(lefts[t] - lefts[t - 1]) * Math.Sign(lefts[t - 1] - lefts[t - 2]) < 0)
                    {
                        bounced = true;
                    }
                }
            }
        }

        Assert.True(bounced, "no digit ever reversed direction in 200 clips of 40 frames");
    }

    [Fact]
    public void FramesAreTheMaxCompositeOfTheDigitsAtTheirPositions()
    {
        var ds = MovingMnist.Create(DatasetSplit.Validation, new MovingMnistOptions { Count = 5 });
        var layout = ds.Layout(2);
        var clip = ds.ReadClip(2);
        for (int t = 0; t < clip.Frames; t++)
        {
            var expected = new float[64 * 64];
            for (int d = 0; d < 2; d++)
            {
                var img = ds.Digits.Image(layout.DigitIndices[d]);
                for (int r = 0; r < 28; r++)
                {
                    for (int c = 0; c < 28; c++)
                    {
                        int at = ((layout.Tops[d][t] + r) * 64) + layout.Lefts[d][t] + c;
                        expected[at] = Math.Max(expected[at], img[(r * 28) + c] / 255f);
                    }
                }
            }

            Assert.Equal(expected, clip.Frame(t).ToArray());
        }
    }

    [Fact]
    public void IdxReaderRejectsTruncatedAndForeignFilesWithTheFileName()
    {
        using var dir = new TempFolder();
        string text = dir.Combine("digits.idx");
        File.WriteAllText(text, "this is not an idx file");
        var ex = Assert.Throws<DatasetException>(() => MnistIdx.ReadImages(text));
        Assert.Contains(text, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);

        string truncated = dir.Combine("short-idx3-ubyte");
        var header = new byte[] { 0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3 };
        File.WriteAllBytes(truncated, header);
        ex = Assert.Throws<DatasetException>(() => MnistIdx.ReadImages(truncated));
        Assert.Contains("truncated", ex.Message);

        ex = Assert.Throws<DatasetException>(() => MnistIdx.ReadImages(dir.Combine("missing.gz")));
        Assert.Contains("not found", ex.Message);
    }

    [Fact]
    public void RawAndGzipIdxFilesReadTheSame()
    {
        using var dir = new TempFolder();
        var bytes = new byte[16 + (3 * 4 * 5)];
        bytes[2] = 8;
        bytes[3] = 3;
        bytes[7] = 3;
        bytes[11] = 4;
        bytes[15] = 5;
        for (int i = 16; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 3);
        }

        string raw = dir.Combine("x-idx3-ubyte");
        File.WriteAllBytes(raw, bytes);
        string gz = dir.Combine("x-idx3-ubyte.gz");
        using (var f = File.Create(gz))
        using (var z = new System.IO.Compression.GZipStream(f, System.IO.Compression.CompressionLevel.Optimal))
        {
            z.Write(bytes);
        }

        var a = MnistIdx.ReadImages(raw);
        var b = MnistIdx.ReadImages(gz);
        Assert.Equal((3, 4, 5), (a.Count, a.Rows, a.Columns));
        Assert.True(a.Image(2).SequenceEqual(b.Image(2)));
        Assert.True(a.Image(1).SequenceEqual(bytes.AsSpan(16 + 20, 20)));
    }
}
