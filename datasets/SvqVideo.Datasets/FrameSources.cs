using SvqVideo.Datasets.Video;

namespace SvqVideo.Datasets;

/// <summary>Builds cached frame sources from videos and image sequences.</summary>
internal static class FrameSources
{
    /// <summary>
    /// Decodes <paramref name="path"/> once into the cache (decoded frames <paramref name="offset"/>,
    /// offset + step, … in <paramref name="format"/>); position p is numbered firstNumber + offset + p·step.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The cached frames are handed to the returned source, which owns and disposes them.")]
    public static CachedFrameSource FromVideo(FrameCache cache, string path, string name, FrameFormat format, int step = 1, int offset = 0, int firstNumber = 0)
    {
        var read = new VideoReadOptions
        {
            Channels = format.Channels,
            ChannelOrder = format.ChannelOrder,
            Height = format.Height,
            Width = format.Width,
            Resize = format.Resize,
            Interpolation = format.Interpolation,
            FrameStep = step,
            FrameOffset = offset,
        };
        var frames = cache.GetOrAdd([path], $"video step={step} offset={offset}", format, sink =>
        {
            using var reader = VideoFrameReader.Open(path, read);
            var buffer = new byte[format.FrameBytes];
            while (reader.ReadFrame(buffer))
            {
                sink.Add(buffer);
            }
        });
        var numbers = new int[frames.Count];
        for (int p = 0; p < numbers.Length; p++)
        {
            numbers[p] = firstNumber + offset + (p * step);
        }

        return new CachedFrameSource(name, frames, numbers: numbers);
    }

    /// <summary>Decodes the images <paramref name="files"/> (one frame each, in order, numbered by <paramref name="numbers"/>) once into the cache.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The cached frames are handed to the returned source, which owns and disposes them.")]
    public static CachedFrameSource FromImages(FrameCache cache, IReadOnlyList<string> files, string name, FrameFormat format, int[] numbers)
    {
        var frames = cache.GetOrAdd(files, "images", format, sink =>
        {
            var buffer = new byte[format.FrameBytes];
            foreach (var f in files)
            {
                ImageFiles.Decode(f, format, buffer);
                sink.Add(buffer);
            }
        });
        return new CachedFrameSource(name, frames, numbers: numbers);
    }

    /// <summary>Disposes sources built so far when building the dataset fails.</summary>
    public static void DisposeAll(IEnumerable<IFrameSource> sources)
    {
        foreach (var s in sources)
        {
            s.Dispose();
        }
    }
}
