namespace SvqVideo.Datasets.Video;

/// <summary>
/// Clips from any folder of videos (mp4/avi/mkv/…), or from one video: every video is decoded once
/// into the <see cref="FrameCache"/> at the asked size and channels, then cut into clips of
/// FramesIn + FramesOut frames starting every Stride frames (forward from the first frame). Videos
/// shorter than one clip give no clips; a folder that gives none at all is an error.
/// </summary>
public static class VideoFolderDataset
{
    /// <summary>
    /// Opens the videos of <paramref name="folder"/>: all of them when <paramref name="split"/> is null,
    /// else the videos of that split (whole videos, chosen evenly in name order by the fractions in the options).
    /// </summary>
    /// <exception cref="DatasetException">The folder is missing or holds no usable video, or a video cannot be decoded.</exception>
    public static ClipDataset Open(string folder, VideoFolderOptions? options = null, DatasetSplit? split = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        options ??= new VideoFolderOptions();
        options.Validate();
        string root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new DatasetException($"video folder not found: {root}; check the path", root);
        }

        var cache = new FrameCache(options.CacheDirectory);
        cache.EnsureOutside(root);
        var extensions = options.Extensions.Select(e => e.StartsWith('.') ? e : "." + e).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var videos = Directory.EnumerateFiles(root, "*", options.Recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(f => extensions.Contains(Path.GetExtension(f)))
            .Select(f => Path.GetRelativePath(root, f))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (videos.Count == 0)
        {
            throw new DatasetException($"no video files ({string.Join(", ", extensions)}) in {root}; put videos there or change Extensions", root);
        }

        if (split is DatasetSplit s)
        {
            int total = videos.Count;
            videos = SplitVideos(videos, options, s);
            if (videos.Count == 0)
            {
                throw new DatasetException($"the {s} split of {root} has no video ({total} videos in total); add videos or change the split fractions", root);
            }
        }

        string name = $"{Path.GetFileName(root)}{(split is null ? string.Empty : "/" + split.Value.ToString().ToLowerInvariant())}";
        var dataset = Build(root, videos, options, cache, name);
        if (dataset.Count == 0)
        {
            dataset.Dispose();
            throw new DatasetException($"no video in {root} has the {options.ClipLength * options.FrameStep} frames one clip needs; use shorter clips or longer videos", root);
        }

        return dataset;
    }

    /// <summary>Clips of one video file.</summary>
    /// <exception cref="DatasetException">The file is missing, not a decodable video, or shorter than one clip.</exception>
    public static ClipDataset OpenFile(string path, VideoFolderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new VideoFolderOptions();
        options.Validate();
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        var cache = new FrameCache(options.CacheDirectory);
        cache.EnsureOutside(dir);
        var dataset = Build(dir, [Path.GetFileName(full)], options, cache, Path.GetFileName(full));
        if (dataset.Count == 0)
        {
            dataset.Dispose();
            throw new DatasetException($"video {full} is shorter than one clip of {options.ClipLength} frames (frame step {options.FrameStep}); use shorter clips", full);
        }

        return dataset;
    }

    private static List<string> SplitVideos(List<string> videos, VideoFolderOptions options, DatasetSplit split)
    {
        var test = new List<string>();
        var rest = new List<string>();
        for (int i = 0; i < videos.Count; i++)
        {
            (ClipPlanner.IsValidation(i, options.TestFraction) ? test : rest).Add(videos[i]);
        }

        if (split == DatasetSplit.Test)
        {
            return test;
        }

        double v = options.TestFraction >= 1 ? 0 : options.ValidationFraction / (1 - options.TestFraction);
        return ClipPlanner.Pick(rest, v, validation: split == DatasetSplit.Validation);
    }

    private static ClipDataset Build(string root, List<string> videos, VideoFolderOptions options, FrameCache cache, string name)
    {
        var format = options.Format;
        var sources = new List<IFrameSource>();
        var clips = new List<ClipRef>();
        int stride = options.Stride ?? options.ClipLength;
        try
        {
            foreach (var rel in videos)
            {
                var source = FrameSources.FromVideo(cache, Path.Combine(root, rel), rel, format, options.FrameStep);
                var starts = ClipPlanner.Forward(source.Count, options.ClipLength, 1, stride);
                if (starts.Count == 0)
                {
                    source.Dispose();
                    continue;
                }

                sources.Add(source);
                clips.AddRange(starts.Select(st => new ClipRef(sources.Count - 1, st, 1)));
            }
        }
        catch
        {
            FrameSources.DisposeAll(sources);
            throw;
        }

        return new ClipDataset(name, format, options.FramesIn, options.FramesOut, [.. sources], [.. clips]);
    }
}
