namespace SvqVideo.Datasets.Mnist;

/// <summary>Moving-MNIST generation settings. Defaults are OpenSTL's: two 28×28 digits in 64×64, 10 → 10 frames, step 0.1.</summary>
public sealed record MovingMnistOptions
{
    /// <summary>Context frames.</summary>
    public int FramesIn { get; init; } = 10;

    /// <summary>Target frames.</summary>
    public int FramesOut { get; init; } = 10;

    /// <summary>Canvas side in pixels.</summary>
    public int CanvasSize { get; init; } = 64;

    /// <summary>Digits per clip.</summary>
    public int Digits { get; init; } = 2;

    /// <summary>Distance moved per frame, in units of the free canvas (CanvasSize − digit size).</summary>
    public double StepLength { get; init; } = 0.1;

    /// <summary>Seed; clip i of a split is a pure function of (seed, split, i).</summary>
    public long Seed { get; init; }

    /// <summary>Clips in the split; null gives 10,000 for train and test and 1,000 for validation.</summary>
    public int? Count { get; init; }

    /// <summary>IDX digit file; null uses the bundled 10,000 digits.</summary>
    public string? DigitsFile { get; init; }

    /// <summary>
    /// A separate IDX file for the test digits (e.g. MNIST's t10k); then test draws from all of it and
    /// train/validation split <see cref="DigitsFile"/>. Null: all splits come from one file.
    /// </summary>
    public string? TestDigitsFile { get; init; }

    /// <summary>Fraction of the digit file (its end) reserved for validation digits.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Fraction of the digit file (just before the validation part) reserved for test digits when no <see cref="TestDigitsFile"/> is given.</summary>
    public double TestFraction { get; init; } = 0.1;
}
