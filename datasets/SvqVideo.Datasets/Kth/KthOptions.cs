namespace SvqVideo.Datasets.Kth;

/// <summary>KTH Action settings. Defaults are the paper's/OpenSTL's: 10 → 20 frames at 128×128 gray, persons 01–16 train, 17–25 test.</summary>
public sealed record KthOptions
{
    /// <summary>Context frames.</summary>
    public int FramesIn { get; init; } = 10;

    /// <summary>Target frames.</summary>
    public int FramesOut { get; init; } = 20;

    /// <summary>Frame height after resizing (the 160×120 originals are stretched, as OpenSTL does).</summary>
    public int Height { get; init; } = 128;

    /// <summary>Frame width after resizing.</summary>
    public int Width { get; init; } = 128;

    /// <summary>Resampling filter (OpenSTL: bilinear).</summary>
    public FrameInterpolation Interpolation { get; init; } = FrameInterpolation.Linear;

    /// <summary>Persons whose videos are training material (validation is carved out of them).</summary>
    public IReadOnlyList<int> TrainPersons { get; init; } = [.. Enumerable.Range(1, 16)];

    /// <summary>Persons whose videos form the test split.</summary>
    public IReadOnlyList<int> TestPersons { get; init; } = [.. Enumerable.Range(17, 9)];

    /// <summary>
    /// Fraction of the training persons' videos (whole videos, evenly spread in name order) held out for
    /// validation. 0 reproduces OpenSTL's training set exactly (OpenSTL validates on test).
    /// </summary>
    public double ValidationFraction { get; init; } = 0.05;

    /// <summary>Frame cache folder; null uses <see cref="FrameCache.DefaultDirectory"/>.</summary>
    public string? CacheDirectory { get; init; }
}
