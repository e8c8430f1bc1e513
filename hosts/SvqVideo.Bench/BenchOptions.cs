using System.Globalization;

namespace SvqVideo.Bench;

/// <summary>
/// Command line: <c>[--quick] [--json FILE] [--only SECTION,...] [--threads N] [--reps N]</c>.
/// Sections: machine, models, overhead, translators, svq, forecast, streaming, onnx, fit; and long-video, which runs only
/// when named (it needs ffmpeg and takes about an hour). <c>--child ARGS</c> is internal
/// (one measurement in a fresh process so that its peak memory is its own).
/// </summary>
internal sealed record BenchOptions
{
    public static readonly string[] Sections = ["machine", "models", "overhead", "translators", "svq", "forecast", "streaming", "onnx", "fit", "long-video"];

    /// <summary>What runs without <c>--only</c>: every section but long-video.</summary>
    public static readonly string[] DefaultSections = [.. Sections.Where(s => s != "long-video")];

    public bool Quick { get; init; }

    public string? JsonPath { get; init; }

    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>(DefaultSections, StringComparer.Ordinal);

    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Timed repetitions per measurement (median reported); null picks 2 with --quick and 5 otherwise.</summary>
    public int? Repeats { get; init; }

    /// <summary>The <c>forecast --fit</c> budget of the "fit" section (default 2m; 20s with --quick).</summary>
    public string? FitBudgetOption { get; init; }

    public string FitBudget => FitBudgetOption ?? (Quick ? "20s" : "2m");

    /// <summary>The "fit" section's arms: the CLI's default residual setting, or both settings with --fit-residual both.</summary>
    public IReadOnlyList<bool?> FitResidualArms { get; init; } = [null];

    /// <summary>The "fit" section's clip kinds (default: every kind of <see cref="FitClips"/>).</summary>
    public IReadOnlyList<string> FitKinds { get; init; } = FitClips.Kinds;

    /// <summary>The "fit" section's model frame sizes: "default" (the CLI's) or values of its <c>--size</c>.</summary>
    public IReadOnlyList<string> FitSizes { get; init; } = ["default"];

    /// <summary>Extra arguments for every <c>forecast --fit</c> of the "fit" section (e.g. "--quantizer none --frames-in 5"), split on spaces.</summary>
    public IReadOnlyList<string> FitArgs { get; init; } = [];

    /// <summary>Frames streamed through the session (10,000 unless --quick).</summary>
    public int StreamFrames => Quick ? 500 : 10_000;

    public int Reps => Repeats ?? (Quick ? 2 : 5);

    public int Warmup => Quick ? 1 : 2;

    /// <summary>Frames of each generated clip the "fit" section's CLI run sees (200 unless --fit-frames).</summary>
    public int FitFrames { get; init; } = 200;

    /// <summary>The long-video section's lengths in seconds (20, 60 and 600 unless --long-seconds).</summary>
    public IReadOnlyList<int> LongSeconds { get; init; } = [20, 60, 600];

    /// <summary>The long-video section's frame sizes (1280x720 and 1920x1080 unless --long-sizes).</summary>
    public IReadOnlyList<string> LongSizes { get; init; } = ["1280x720", "1920x1080"];

    /// <summary>Where the long-video section keeps the videos it generates (kept between runs; default: a folder in the temp directory).</summary>
    public string VideoDir { get; init; } = Path.Combine(Path.GetTempPath(), "svqvideo-bench-videos");

    /// <summary>The arguments after <c>--child</c>, or null in the parent.</summary>
    public IReadOnlyList<string>? Child { get; init; }

    public bool Runs(string section) => Only.Contains(section);

    /// <exception cref="ArgumentException">An unknown option, a missing value or an unknown section (one line).</exception>
    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            switch (a)
            {
                case "--quick":
                    o = o with { Quick = true };
                    break;
                case "--json":
                    o = o with { JsonPath = Value(args, ref i) };
                    break;
                case "--threads":
                    o = o with { Threads = PositiveInt(a, Value(args, ref i)) };
                    break;
                case "--reps":
                    o = o with { Repeats = PositiveInt(a, Value(args, ref i)) };
                    break;
                case "--only":
                    var only = Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    var unknown = only.Where(s => !Sections.Contains(s)).ToArray();
                    if (unknown.Length > 0)
                    {
                        throw new ArgumentException($"--only: unknown section '{unknown[0]}' (sections: {string.Join(", ", Sections)})");
                    }

                    o = o with { Only = new HashSet<string>(only, StringComparer.Ordinal) };
                    break;
                case "--fit-budget":
                    o = o with { FitBudgetOption = Value(args, ref i) };
                    break;
                case "--fit-residual":
                    o = o with
                    {
                        FitResidualArms = Value(args, ref i) switch
                        {
                            "both" => [true, false],
                            "true" => [true],
                            "false" => [false],
                            "default" => [null],
                            var v => throw new ArgumentException($"--fit-residual: '{v}' is not both, true, false or default"),
                        },
                    };
                    break;
                case "--fit-kinds":
                    var kinds = Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (kinds.FirstOrDefault(k => !FitClips.Kinds.Contains(k)) is { } badKind)
                    {
                        throw new ArgumentException($"--fit-kinds: unknown clip kind '{badKind}' (kinds: {string.Join(", ", FitClips.Kinds)})");
                    }

                    o = o with { FitKinds = kinds };
                    break;
                case "--fit-size":
                    o = o with { FitSizes = Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
                    break;
                case "--fit-args":
                    o = o with { FitArgs = Value(args, ref i).Split(' ', StringSplitOptions.RemoveEmptyEntries) };
                    break;
                case "--fit-frames":
                    o = o with { FitFrames = PositiveInt(a, Value(args, ref i)) };
                    break;
                case "--long-seconds":
                    o = o with { LongSeconds = [.. Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => PositiveInt("--long-seconds", v))] };
                    break;
                case "--long-sizes":
                    o = o with { LongSizes = Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
                    break;
                case "--video-dir":
                    o = o with { VideoDir = Path.GetFullPath(Value(args, ref i)) };
                    break;
                case "--child":
                    return o with { Child = args[(i + 1)..] };
                default:
                    throw new ArgumentException($"unknown option '{a}' (options: --quick, --json FILE, --only {string.Join(",", Sections)}, --threads N, --reps N, --fit-budget DURATION, --fit-residual both|true|false|default, --fit-kinds K1,K2, --fit-size default|WxH[,...], --fit-args \"ARGS\", --fit-frames N, --long-seconds S1,S2, --long-sizes WxH[,...], --video-dir DIR)");
            }
        }

        return o;
    }

    /// <summary>The options a child process needs to measure like its parent.</summary>
    public IEnumerable<string> ChildPrefix()
    {
        yield return "--threads";
        yield return Threads.ToString(CultureInfo.InvariantCulture);
        yield return "--reps";
        yield return Reps.ToString(CultureInfo.InvariantCulture);
        if (Quick)
        {
            yield return "--quick";
        }

        yield return "--fit-frames";
        yield return FitFrames.ToString(CultureInfo.InvariantCulture);
        if (FitArgs.Count > 0)
        {
            yield return "--fit-args";
            yield return string.Join(' ', FitArgs);
        }
    }

    private static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length)
        {
            throw new ArgumentException($"{args[i]} needs a value");
        }

        return args[++i];
    }

    private static int PositiveInt(string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : throw new ArgumentException($"{option} must be a positive integer, got '{value}'");
}
