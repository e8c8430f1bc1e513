using SvqVideo.Torch;

namespace SvqVideo.Plugins.Vq;

/// <summary>VectorQuantize settings resolved from <see cref="QuantizerOptions"/> (1.12.5 defaults, the paper's decay).</summary>
internal sealed record VqSettings
{
    public const int DefaultCodebookSize = 512;

    /// <summary>Every parameter name a VectorQuantize layer reads; any other (beyond a caller's own) is rejected.</summary>
    public static IReadOnlyList<string> Parameters { get; } = ["decay", "eps", "commitment_weight", "threshold_ema_dead_code", "reset_cluster_size", "kmeans_init", "kmeans_iters"];

    public required string Kind { get; init; }
    public required int Dimension { get; init; }
    public required int CodebookSize { get; init; }
    public required bool Frozen { get; init; }
    public required double Decay { get; init; }
    public required double Eps { get; init; }
    public required double CommitmentWeight { get; init; }
    public required double ThresholdEmaDeadCode { get; init; }
    public required double ResetClusterSize { get; init; }
    public required bool KmeansInit { get; init; }
    public required int KmeansIters { get; init; }

    /// <summary>Resolves the settings; <paramref name="moreParameters"/> are the caller's own names (e.g. residual VQ's), accepted too.</summary>
    /// <exception cref="ArgumentException">A value is out of range, or a parameter unknown (the message names the option).</exception>
    public static VqSettings From(QuantizerOptions options, int defaultCodebookSize = DefaultCodebookSize, IEnumerable<string>? moreParameters = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfUnknownParameters(Parameters.Concat(moreParameters ?? []));
        string kind = options.Kind;
        try
        {
            double threshold = options.GetDouble("threshold_ema_dead_code", 0);
            var s = new VqSettings
            {
                Kind = kind,
                Dimension = options.Dimension,
                CodebookSize = options.CodebookSize == 0 ? defaultCodebookSize : options.CodebookSize,
                Frozen = options.Frozen,
                Decay = options.GetDouble("decay", 0.8),
                Eps = options.GetDouble("eps", 1e-5),
                CommitmentWeight = options.GetDouble("commitment_weight", 1.0),
                ThresholdEmaDeadCode = threshold,
                ResetClusterSize = options.GetDouble("reset_cluster_size", threshold),
                KmeansInit = options.GetBool("kmeans_init", false),
                KmeansIters = options.GetInt("kmeans_iters", 10),
            };
            Require(s.Dimension > 0, $"{kind}: Dimension must be positive, got {s.Dimension}");
            Require(s.CodebookSize > 0, $"{kind}: CodebookSize must be positive, got {s.CodebookSize}");
            Require(s.Decay is >= 0 and <= 1, $"{kind}: parameter 'decay' must be in [0, 1], got {s.Decay}");
            Require(s.Eps > 0, $"{kind}: parameter 'eps' must be positive, got {s.Eps}");
            Require(s.CommitmentWeight >= 0, $"{kind}: parameter 'commitment_weight' must be >= 0, got {s.CommitmentWeight}");
            Require(s.ThresholdEmaDeadCode >= 0, $"{kind}: parameter 'threshold_ema_dead_code' must be >= 0, got {s.ThresholdEmaDeadCode}");
            Require(s.KmeansIters > 0, $"{kind}: parameter 'kmeans_iters' must be positive, got {s.KmeansIters}");
            if (options.Init is not null && options.Init != "kmeans" && options.Init != "uniform")
            {
                throw new ArgumentException($"{kind}: Init '{options.Init}' is not supported (the codebook starts kaiming-uniform; set parameter kmeans_init=true or Init=kmeans for k-means)");
            }

            return s with { KmeansInit = s.KmeansInit || options.Init == "kmeans" };
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"{kind}: {e.Message}", nameof(options), e);
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
