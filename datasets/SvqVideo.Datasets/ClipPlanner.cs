namespace SvqVideo.Datasets;

/// <summary>Where clips start inside one source, and which sources go to validation.</summary>
internal static class ClipPlanner
{
    /// <summary>
    /// OpenSTL's backward scan (KTH, KittiCaltech): from the last frame, a window of
    /// <paramref name="length"/> positions is a clip when its frame numbers are consecutive; after a
    /// clip ending at e the next candidate ends at e − <paramref name="stride"/>, otherwise at e − 1.
    /// Returns the start positions in ascending order.
    /// </summary>
    public static List<int> Backward(int count, int length, int stride, Func<int, int>? frameNumber = null)
    {
        var starts = new List<int>();
        int end = count - 1;
        while (end >= length - 1)
        {
            int start = end - length + 1;
            if (frameNumber is null || frameNumber(end) - frameNumber(start) == length - 1)
            {
                starts.Add(start);
                end -= stride;
            }
            else
            {
                end--;
            }
        }

        starts.Reverse();
        return starts;
    }

    /// <summary>Forward windows: starts 0, stride, 2·stride, … while the clip (length frames, step apart) fits.</summary>
    public static List<int> Forward(int count, int length, int step, int stride)
    {
        var starts = new List<int>();
        int span = ((length - 1) * step) + 1;
        for (int s = 0; s + span <= count; s += stride)
        {
            starts.Add(s);
        }

        return starts;
    }

    /// <summary>
    /// Whether the <paramref name="rank"/>-th source (0-based, in sorted order) is held out for
    /// validation: a fraction <paramref name="fraction"/> of sources, spread evenly (rank r is chosen
    /// when ⌊(r+1)·f⌋ &gt; ⌊r·f⌋).
    /// </summary>
    public static bool IsValidation(int rank, double fraction)
    {
        if (fraction <= 0)
        {
            return false;
        }

        return Math.Floor((rank + 1) * fraction) > Math.Floor(rank * fraction);
    }

    /// <summary>Splits sorted training-side items into (train, validation) by <see cref="IsValidation"/>.</summary>
    public static List<T> Pick<T>(IReadOnlyList<T> sorted, double validationFraction, bool validation)
    {
        var picked = new List<T>();
        for (int i = 0; i < sorted.Count; i++)
        {
            if (IsValidation(i, validationFraction) == validation)
            {
                picked.Add(sorted[i]);
            }
        }

        return picked;
    }
}
