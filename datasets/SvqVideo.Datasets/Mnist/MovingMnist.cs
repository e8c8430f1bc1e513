namespace SvqVideo.Datasets.Mnist;

/// <summary>
/// Bouncing-digit clips generated on demand, exactly as OpenSTL/Srivastava et al. do: per digit a start
/// (x, y) uniform in [0, 1)², a direction θ uniform in [0, 2π), then each frame a step of
/// <see cref="MovingMnistOptions.StepLength"/> along (cos θ, sin θ), clamping to [0, 1] and reversing
/// that axis at an edge, positions × (canvas − digit) truncated to integers, digits composited with
/// max, values / 255. Clip i is a pure function of (seed, split, i); <see cref="CopyClip"/> is
/// thread-safe. Train, validation and test draw their digits from disjoint parts of the digit file(s).
/// </summary>
public sealed class MovingMnist : IClipDataset
{
    private readonly MnistImages _digits;
    private readonly MovingMnistOptions _options;
    private readonly DatasetSplit _split;

    /// <summary>Clips of <paramref name="split"/> whose digits are images [<paramref name="firstDigit"/>, firstDigit + <paramref name="digitCount"/>) of <paramref name="digits"/>.</summary>
    public MovingMnist(MnistImages digits, int firstDigit, int digitCount, DatasetSplit split, MovingMnistOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(digits);
        options ??= new MovingMnistOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(firstDigit);
        ArgumentOutOfRangeException.ThrowIfLessThan(digitCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstDigit + digitCount, digits.Count, nameof(digitCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.FramesIn, 1, nameof(options.FramesIn));
        ArgumentOutOfRangeException.ThrowIfNegative(options.FramesOut, nameof(options.FramesOut));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Digits, 1, nameof(options.Digits));
        if (options.CanvasSize < Math.Max(digits.Rows, digits.Columns))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"canvas {options.CanvasSize} is smaller than the {digits.Rows}x{digits.Columns} digits");
        }

        if (!(options.StepLength > 0 && options.StepLength <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.StepLength, "StepLength must be in (0, 1]");
        }

        _digits = digits;
        _options = options;
        _split = split;
        FirstDigit = firstDigit;
        DigitCount = digitCount;
        Count = options.Count ?? (split == DatasetSplit.Validation ? 1_000 : 10_000);
        ArgumentOutOfRangeException.ThrowIfLessThan(Count, 1, nameof(options.Count));
        Name = $"mmnist/{split.ToString().ToLowerInvariant()}";
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    public int FramesIn => _options.FramesIn;

    /// <inheritdoc />
    public int FramesOut => _options.FramesOut;

    /// <inheritdoc />
    public int Channels => 1;

    /// <inheritdoc />
    public int Height => _options.CanvasSize;

    /// <inheritdoc />
    public int Width => _options.CanvasSize;

    /// <summary>First digit image this split draws from.</summary>
    public int FirstDigit { get; }

    /// <summary>Number of digit images this split draws from.</summary>
    public int DigitCount { get; }

    /// <summary>The digit file this split draws from.</summary>
    public MnistImages Digits => _digits;

    /// <summary>
    /// Opens a split with the documented digit partition: without a test file, the digit file is cut
    /// into train [0, 1 − v − t), test [1 − v − t, 1 − v) and validation [1 − v, 1) by fraction (bundled
    /// file: 8,000 / 1,000 / 1,000 digits); with <see cref="MovingMnistOptions.TestDigitsFile"/>, test
    /// uses that whole file and the main file is cut into train and validation.
    /// </summary>
    /// <exception cref="DatasetException">A digit file is missing or malformed.</exception>
    public static MovingMnist Create(DatasetSplit split, MovingMnistOptions? options = null)
    {
        options ??= new MovingMnistOptions();
        double v = options.ValidationFraction;
        double t = options.TestDigitsFile is null ? options.TestFraction : 0;
        if (v < 0 || t < 0 || v + t >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ValidationFraction and TestFraction must be non-negative and leave digits for training");
        }

        if (split == DatasetSplit.Test && options.TestDigitsFile is not null)
        {
            var test = MnistIdx.ReadImages(options.TestDigitsFile);
            return new MovingMnist(test, 0, test.Count, split, options);
        }

        var digits = options.DigitsFile is null ? MnistIdx.Bundled : MnistIdx.ReadImages(options.DigitsFile);
        int n = digits.Count;
        int valStart = n - (int)Math.Round(n * v);
        int testStart = valStart - (int)Math.Round(n * t);
        var (first, end) = split switch
        {
            DatasetSplit.Train => (0, testStart),
            DatasetSplit.Test => (testStart, valStart),
            _ => (valStart, n),
        };
        if (end <= first)
        {
            throw new DatasetException($"the {split} split of {digits.Source} gets no digits ({n} digits, validation {v}, test {t}); use larger fractions or a bigger digit file", digits.Source);
        }

        return new MovingMnist(digits, first, end - first, split, options);
    }

    /// <summary>The digits and per-frame positions of clip <paramref name="index"/>.</summary>
    public MovingMnistLayout Layout(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int frames = FramesIn + FramesOut;
        int free = _options.CanvasSize - Math.Max(_digits.Rows, _digits.Columns);
        var rng = StableRandom.For(_options.Seed, (long)_split, index);
        var indices = new int[_options.Digits];
        var tops = new int[_options.Digits][];
        var lefts = new int[_options.Digits][];
        for (int d = 0; d < _options.Digits; d++)
        {
            // Same draw order as OpenSTL: trajectory (x, y, θ) first, then the digit.
            double x = rng.NextDouble();
            double y = rng.NextDouble();
            double theta = rng.NextDouble() * 2 * Math.PI;
            double vx = Math.Cos(theta), vy = Math.Sin(theta);
            tops[d] = new int[frames];
            lefts[d] = new int[frames];
            for (int t = 0; t < frames; t++)
            {
                y += vy * _options.StepLength;
                x += vx * _options.StepLength;
                if (x <= 0)
                {
                    x = 0;
                    vx = -vx;
                }

                if (x >= 1)
                {
                    x = 1;
                    vx = -vx;
                }

                if (y <= 0)
                {
                    y = 0;
                    vy = -vy;
                }

                if (y >= 1)
                {
                    y = 1;
                    vy = -vy;
                }

                tops[d][t] = (int)(free * y);
                lefts[d][t] = (int)(free * x);
            }

            indices[d] = FirstDigit + rng.NextInt(DigitCount);
        }

        return new MovingMnistLayout(indices, tops, lefts);
    }

    /// <inheritdoc />
    public void CopyClip(int index, Span<float> destination)
    {
        var layout = Layout(index);
        int frames = FramesIn + FramesOut;
        int size = _options.CanvasSize;
        int plane = size * size;
        if (destination.Length < frames * plane)
        {
            throw new ArgumentException($"destination holds {destination.Length} values, a clip needs {frames * plane}", nameof(destination));
        }

        var canvas = destination[..(frames * plane)];
        canvas.Clear();
        int rows = _digits.Rows, cols = _digits.Columns;
        for (int d = 0; d < layout.DigitIndices.Length; d++)
        {
            var image = _digits.Image(layout.DigitIndices[d]);
            for (int t = 0; t < frames; t++)
            {
                var frame = canvas.Slice(t * plane, plane);
                int top = layout.Tops[d][t], left = layout.Lefts[d][t];
                for (int r = 0; r < rows; r++)
                {
                    var dst = frame.Slice(((top + r) * size) + left, cols);
                    var src = image.Slice(r * cols, cols);
                    for (int c = 0; c < cols; c++)
                    {
                        float v = src[c] / 255f;
                        if (v > dst[c])
                        {
                            dst[c] = v;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Clip <paramref name="index"/> as a new <see cref="FrameClip"/> (T×1×H×W).</summary>
    public FrameClip ReadClip(int index)
    {
        var data = new float[(FramesIn + FramesOut) * Height * Width];
        CopyClip(index, data);
        return new FrameClip(data, FramesIn + FramesOut, 1, Height, Width);
    }
}
