using System.Globalization;
using System.Text.RegularExpressions;

namespace SvqVideo.Datasets.Kth;

/// <summary>
/// KTH Action from either layout: OpenSTL's frame images
/// <c>&lt;root&gt;/&lt;action&gt;/personNN_action_dK_uncomp/image_XXXX.jpg</c>, or the original
/// <c>personNN_action_dK_uncomp.avi</c> files (in <c>&lt;root&gt;/&lt;action&gt;/</c> or directly in the
/// root; an image folder wins over an .avi of the same name). Frames are gray, resized to
/// Height×Width, decoded once into the frame cache. Clips follow OpenSTL: FramesIn + FramesOut
/// consecutive frames of one video, collected backwards from the last frame, non-overlapping for
/// boxing, handclapping, handwaving and walking, every 3rd end frame for jogging and running.
/// </summary>
public static partial class KthDataset
{
    /// <summary>The six actions; the last two get overlapping clips (stride 3), as in OpenSTL.</summary>
    public static readonly IReadOnlyList<string> Actions = ["boxing", "handclapping", "handwaving", "walking", "jogging", "running"];

    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp"];

    /// <summary>Opens one split of the KTH data under <paramref name="root"/> (the folder holding the action folders).</summary>
    /// <exception cref="DatasetException">The folder is not in a KTH layout, the split is empty, or a frame cannot be decoded.</exception>
    public static ClipDataset Open(string root, DatasetSplit split, KthOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        options ??= new KthOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.FramesIn, 1, nameof(options.FramesIn));
        ArgumentOutOfRangeException.ThrowIfNegative(options.FramesOut, nameof(options.FramesOut));
        if (options.ValidationFraction is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ValidationFraction, "ValidationFraction must be in [0, 1)");
        }

        string full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            throw new DatasetException($"KTH folder not found: {full}; give the folder that holds boxing/, handclapping/, …", full);
        }

        var cache = new FrameCache(options.CacheDirectory);
        cache.EnsureOutside(full);
        var videos = Discover(full);
        if (videos.Count == 0)
        {
            throw new DatasetException($"no KTH videos in {full}: expected <action>/personNN_<action>_dK_uncomp/image_XXXX.jpg folders or personNN_<action>_dK_uncomp.avi files", full);
        }

        var persons = split == DatasetSplit.Test ? options.TestPersons : options.TrainPersons;
        var chosen = videos.Where(v => persons.Contains(v.Person)).OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
        if (split != DatasetSplit.Test)
        {
            chosen = ClipPlanner.Pick(chosen, options.ValidationFraction, validation: split == DatasetSplit.Validation);
        }

        if (chosen.Count == 0)
        {
            throw new DatasetException($"the KTH {split} split of {full} has no video (check the persons lists{(split == DatasetSplit.Validation ? " or raise ValidationFraction" : string.Empty)})", full);
        }

        var format = new FrameFormat(options.Height, options.Width, 1, ChannelOrder.Rgb, ResizeMode.Stretch, options.Interpolation);
        int length = options.FramesIn + options.FramesOut;
        var sources = new List<IFrameSource>();
        var clips = new List<ClipRef>();
        try
        {
            foreach (var v in chosen)
            {
                var source = v.Frames is null
                    ? FrameSources.FromVideo(cache, v.Path, v.Name, format, firstNumber: 1)
                    : FrameSources.FromImages(cache, v.Frames, v.Name, format, v.Numbers!);
                sources.Add(source);
                int stride = v.Action is "jogging" or "running" ? 3 : length;
                foreach (int start in ClipPlanner.Backward(source.Count, length, stride, source.FrameNumber))
                {
                    clips.Add(new ClipRef(sources.Count - 1, start, 1));
                }
            }
        }
        catch
        {
            FrameSources.DisposeAll(sources);
            throw;
        }

        return new ClipDataset($"kth/{split.ToString().ToLowerInvariant()}", format, options.FramesIn, options.FramesOut, [.. sources], [.. clips]);
    }

    private static List<KthVideo> Discover(string root)
    {
        var found = new Dictionary<string, KthVideo>(StringComparer.Ordinal);
        var avis = new List<string>(Directory.EnumerateFiles(root, "*.avi"));
        foreach (var action in Actions)
        {
            string dir = Path.Combine(root, action);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var folder in Directory.EnumerateDirectories(dir))
            {
                var id = Parse(Path.GetFileName(folder));
                if (id is null)
                {
                    continue;
                }

                var files = Directory.EnumerateFiles(folder, "image*")
                    .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal)
                    .ToArray();
                if (files.Length == 0)
                {
                    continue;
                }

                var numbers = files.Select(f => FrameNumberOf(f)).ToArray();
                found[id.Value.Stem] = new KthVideo(Path.GetRelativePath(root, folder), folder, id.Value.Person, id.Value.Action, files, numbers);
            }

            avis.AddRange(Directory.EnumerateFiles(dir, "*.avi"));
        }

        foreach (var avi in avis)
        {
            var id = Parse(Path.GetFileNameWithoutExtension(avi));
            if (id is not null && !found.ContainsKey(id.Value.Stem))
            {
                found[id.Value.Stem] = new KthVideo(Path.GetRelativePath(root, avi), avi, id.Value.Person, id.Value.Action, null, null);
            }
        }

        return [.. found.Values];
    }

    private static (string Stem, int Person, string Action)? Parse(string name)
    {
        var m = VideoName().Match(name);
        if (!m.Success || !Actions.Contains(m.Groups[2].Value))
        {
            return null;
        }

        return (m.Value, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value);
    }

    private static int FrameNumberOf(string file)
    {
        var m = ImageNumber().Match(Path.GetFileNameWithoutExtension(file));
        if (!m.Success)
        {
            throw new DatasetException($"KTH frame {file} has no number in its name; frames must be named image_XXXX.jpg", file);
        }

        return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^person(\d{2})_([a-z]+)_d\d+(_uncomp)?")]
    private static partial Regex VideoName();

    [GeneratedRegex(@"^image_?(\d+)$")]
    private static partial Regex ImageNumber();

    private sealed record KthVideo(string Name, string Path, int Person, string Action, string[]? Frames, int[]? Numbers);
}
