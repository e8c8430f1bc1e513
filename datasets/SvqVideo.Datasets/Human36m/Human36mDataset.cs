using System.Globalization;

namespace SvqVideo.Datasets.Human36m;

/// <summary>
/// Human3.6M in OpenSTL's layout: <c>&lt;root&gt;/images/&lt;Subject_Action.Camera&gt;_NNNNNN.jpg</c> and
/// <c>&lt;root&gt;/train.txt</c>, <c>&lt;root&gt;/test.txt</c> with lines <c>images/&lt;prefix&gt;,&lt;begin&gt;,&lt;end&gt;</c>.
/// A clip is FramesIn + FramesOut frames numbered begin, begin + FrameStep, …; frames are decoded from
/// the JPEG files on each read (no cache: the image collection is already the decoded form), so a
/// missing or corrupt frame surfaces when its clip is read.
/// </summary>
public static class Human36mDataset
{
    /// <summary>Opens one split of the Human3.6M data under <paramref name="root"/>.</summary>
    /// <exception cref="DatasetException">The folder or a list file is missing or malformed, or the split is empty.</exception>
    public static ClipDataset Open(string root, DatasetSplit split, Human36mOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        options ??= new Human36mOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.FramesIn, 1, nameof(options.FramesIn));
        ArgumentOutOfRangeException.ThrowIfNegative(options.FramesOut, nameof(options.FramesOut));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.FrameStep, 1, nameof(options.FrameStep));
        if (options.ValidationFraction is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ValidationFraction, "ValidationFraction must be in [0, 1)");
        }

        string full = Path.GetFullPath(root);
        if (!Directory.Exists(Path.Combine(full, "images")))
        {
            throw new DatasetException($"not a Human3.6M folder: {full} has no images/ subfolder; give the folder holding images/, train.txt and test.txt", full);
        }

        List<ClipLine> lines;
        if (options.Protocol == Human36mProtocol.OpenStl)
        {
            lines = ReadList(Path.Combine(full, split == DatasetSplit.Test ? "test.txt" : "train.txt"));
        }
        else
        {
            var subjects = split == DatasetSplit.Test ? options.TestSubjects : options.TrainSubjects;
            lines = [.. ReadList(Path.Combine(full, "train.txt")).Concat(ReadList(Path.Combine(full, "test.txt")))
                .Distinct()
                .Where(l => subjects.Contains(l.Subject, StringComparer.Ordinal))];
        }

        if (split != DatasetSplit.Test)
        {
            var videos = lines.Select(l => l.Prefix).Distinct().Order(StringComparer.Ordinal).ToList();
            var keep = ClipPlanner.Pick(videos, options.ValidationFraction, validation: split == DatasetSplit.Validation).ToHashSet(StringComparer.Ordinal);
            lines = [.. lines.Where(l => keep.Contains(l.Prefix))];
        }

        if (lines.Count == 0)
        {
            throw new DatasetException($"the Human3.6M {split} split ({options.Protocol}) of {full} has no clip; check train.txt/test.txt, the subject lists or ValidationFraction", full);
        }

        var format = new FrameFormat(options.Height, options.Width, 3, options.ChannelOrder, ResizeMode.Stretch, options.Interpolation);
        int length = options.FramesIn + options.FramesOut;
        var sourceIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var sources = new List<IFrameSource>();
        var clips = new ClipRef[lines.Count];
        foreach (var group in lines.GroupBy(l => l.Prefix).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            string prefix = group.Key;
            int last = group.Max(l => l.Begin) + ((length - 1) * options.FrameStep);
            sourceIndex[prefix] = sources.Count;
            sources.Add(new ImageFileSource(prefix, last + 1, n => Path.Combine(full, prefix + n.ToString("D6", CultureInfo.InvariantCulture) + ".jpg"), format));
        }

        for (int i = 0; i < lines.Count; i++)
        {
            clips[i] = new ClipRef(sourceIndex[lines[i].Prefix], lines[i].Begin, options.FrameStep);
        }

        return new ClipDataset($"human/{split.ToString().ToLowerInvariant()}", format, options.FramesIn, options.FramesOut, [.. sources], clips);
    }

    private static List<ClipLine> ReadList(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetException($"Human3.6M clip list not found: {path}; copy train.txt and test.txt from OpenSTL's tools/prepare_data/meta/human", path);
        }

        var result = new List<ClipLine>();
        int number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            string line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split(',');
            if (parts.Length < 2 || parts[0].Length == 0 || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int begin) || begin < 0)
            {
                throw new DatasetException($"{path} line {number} is not 'images/<prefix>,<begin>,<end>': '{line}'", path);
            }

            // OpenSTL's lines carry the trailing '_' (images/S1_Directions.54138969_); accept it missing too.
            string prefix = parts[0].Replace('\\', '/');
            if (!prefix.EndsWith('_'))
            {
                prefix += "_";
            }

            string file = prefix[(prefix.LastIndexOf('/') + 1)..];
            int underscore = file.IndexOf('_', StringComparison.Ordinal);
            string subject = underscore > 0 ? file[..underscore] : file;
            result.Add(new ClipLine(prefix, begin, subject));
        }

        return result;
    }

    private sealed record ClipLine(string Prefix, int Begin, string Subject);
}
