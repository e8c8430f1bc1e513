using OpenCvSharp;

namespace SvqVideo.Datasets.KittiCaltech;

/// <summary>
/// KittiCaltech as OpenSTL lays it out under one root: training and validation from PredNet's KITTI
/// hickle files (<c>kitti_hkl/X_train.hkl</c> + <c>sources_train.hkl</c>, <c>X_val.hkl</c> +
/// <c>sources_val.hkl</c>; OpenSTL ignores the validation files and validates on test), testing on
/// Caltech Pedestrian videos <c>caltech/&lt;setXX&gt;/&lt;VNNN&gt;.(seq|mp4|…)</c> decoded by OpenCV, every 3rd
/// frame, scaled to height 128 and centre-cropped to width 160. Clips are FramesIn + FramesOut frames
/// of one recording, non-overlapping, collected backwards from its last frame. Everything is decoded
/// once into the frame cache.
/// </summary>
public static class KittiCaltechDataset
{
    private static readonly string[] CaltechExtensions = [".seq", ".mp4", ".avi", ".mkv", ".mov"];

    /// <summary>Opens one split of the data under <paramref name="root"/> (the folder holding kitti_hkl/ and caltech/).</summary>
    /// <exception cref="DatasetException">A file is missing or unreadable, or the split has no clip.</exception>
    public static ClipDataset Open(string root, DatasetSplit split, KittiCaltechOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        options ??= new KittiCaltechOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.FramesIn, 1, nameof(options.FramesIn));
        ArgumentOutOfRangeException.ThrowIfNegative(options.FramesOut, nameof(options.FramesOut));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CaltechFrameStep, 1, nameof(options.CaltechFrameStep));
        string full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            throw new DatasetException($"KittiCaltech folder not found: {full}; give the folder holding kitti_hkl/ and caltech/", full);
        }

        var cache = new FrameCache(options.CacheDirectory);
        cache.EnsureOutside(full);
        var dataset = split == DatasetSplit.Test
            ? OpenCaltech(full, options, cache)
            : OpenKitti(full, split == DatasetSplit.Train ? "train" : "val", options, cache);
        if (dataset.Count == 0)
        {
            dataset.Dispose();
            throw new DatasetException($"the KittiCaltech {split} split of {full} has no recording of {options.FramesIn + options.FramesOut} frames", full);
        }

        return dataset;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The cached frames are handed to the returned dataset, which owns and disposes them.")]
    private static ClipDataset OpenKitti(string root, string part, KittiCaltechOptions options, FrameCache cache)
    {
        string framesPath = Path.Combine(root, "kitti_hkl", $"X_{part}.hkl");
        string sourcesPath = Path.Combine(root, "kitti_hkl", $"sources_{part}.hkl");
        var ids = HickleFile.ReadSources(sourcesPath);
        var format = new FrameFormat(options.Height, options.Width, 3, options.ChannelOrder, ResizeMode.CoverCrop, FrameInterpolation.Area);
        var frames = cache.GetOrAdd([framesPath, sourcesPath], "kitti-hkl", format, sink => DecodeHickle(framesPath, ids.Length, format, sink));
        if (frames.Count != ids.Length)
        {
            frames.Dispose();
            throw new DatasetException($"{framesPath} has {frames.Count} frames but {sourcesPath} names {ids.Length}; the two files must belong together", framesPath);
        }

        int length = options.FramesIn + options.FramesOut;
        var sources = new List<IFrameSource>();
        var clips = new List<ClipRef>();
        int start = 0;
        while (start < ids.Length)
        {
            int end = start;
            while (end < ids.Length && ids[end] == ids[start])
            {
                end++;
            }

            var run = new SliceSource(ids[start], frames, start, end - start);
            sources.Add(run);
            clips.AddRange(ClipPlanner.Backward(run.Count, length, length).Select(s => new ClipRef(sources.Count - 1, s, 1)));
            start = end;
        }

        return new ClipDataset($"kitticaltech/{(part == "train" ? "train" : "validation")}", format, options.FramesIn, options.FramesOut, [.. sources], [.. clips]);
    }

    private static void DecodeHickle(string path, int expected, FrameFormat format, CacheWriter sink)
    {
        var (file, dataset, count, height, width) = HickleFile.OpenFrames(path);
        using (file)
        {
            if (count != expected)
            {
                throw new DatasetException($"{path} has {count} frames but its sources file names {expected}; the two files must belong together", path);
            }

            const int Chunk = 64;
            var converted = new byte[format.FrameBytes];
            bool direct = height == format.Height && width == format.Width && format.Channels == 3 && format.ChannelOrder == ChannelOrder.Rgb;
            for (int s = 0; s < count; s += Chunk)
            {
                int n = Math.Min(Chunk, count - s);
                byte[] rgb;
                try
                {
                    rgb = HickleFile.ReadFrames(dataset, s, n, height, width);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    throw new DatasetException($"cannot read frames {s}..{s + n - 1} of {path} ({e.Message}); the file may be truncated, download it again", path, e);
                }

                int frameBytes = height * width * 3;
                for (int i = 0; i < n; i++)
                {
                    var frame = rgb.AsSpan(i * frameBytes, frameBytes);
                    if (direct)
                    {
                        sink.Add(frame);
                        continue;
                    }

                    // The hickle frames are RGB; the converter expects OpenCV's BGR.
                    using var mat = new Mat(height, width, MatType.CV_8UC3);
                    frame.CopyTo(mat.AsSpan<byte>());
                    Cv2.CvtColor(mat, mat, ColorConversionCodes.RGB2BGR);
                    FrameConverter.ToFormat(mat, format, converted);
                    sink.Add(converted);
                }
            }
        }
    }

    private static ClipDataset OpenCaltech(string root, KittiCaltechOptions options, FrameCache cache)
    {
        string dir = Path.Combine(root, "caltech");
        if (!Directory.Exists(dir))
        {
            throw new DatasetException($"Caltech folder not found: {dir}; put the test videos in caltech/setXX/VNNN.seq (or .mp4)", dir);
        }

        var videos = Directory.EnumerateDirectories(dir)
            .SelectMany(d => Directory.EnumerateFiles(d))
            .Where(f => CaltechExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Select(f => Path.GetRelativePath(root, f))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (videos.Count == 0)
        {
            throw new DatasetException($"no Caltech videos (.seq/.mp4/.avi) in the set folders of {dir}", dir);
        }

        var format = new FrameFormat(options.Height, options.Width, 3, options.ChannelOrder, ResizeMode.CoverCrop, options.CaltechInterpolation);
        int length = options.FramesIn + options.FramesOut;
        int step = options.CaltechFrameStep;
        var sources = new List<IFrameSource>();
        var clips = new List<ClipRef>();
        try
        {
            foreach (var rel in videos)
            {
                var source = FrameSources.FromVideo(cache, Path.Combine(root, rel), rel, format, step, offset: step - 1);
                sources.Add(source);
                clips.AddRange(ClipPlanner.Backward(source.Count, length, length).Select(s => new ClipRef(sources.Count - 1, s, 1)));
            }
        }
        catch
        {
            FrameSources.DisposeAll(sources);
            throw;
        }

        return new ClipDataset("kitticaltech/test", format, options.FramesIn, options.FramesOut, [.. sources], [.. clips]);
    }
}
