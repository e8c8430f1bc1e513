using System.Numerics;
using SvqVideo.Torch;

namespace SvqVideo.Plugins.Lfq;

/// <summary>LFQ settings resolved from <see cref="QuantizerOptions"/> (1.12.5 defaults; codebook 8192 as the paper's Table 4).</summary>
internal sealed record LfqSettings
{
    public const int DefaultCodebookSize = 8192;

    /// <summary>Every parameter name LFQ reads; any other is rejected.</summary>
    public static IReadOnlyList<string> Parameters { get; } = ["entropy_loss_weight", "commitment_loss_weight", "diversity_gamma", "inv_temperature", "codebook_scale", "fast_path"];

    public required int Dimension { get; init; }
    public required int CodebookSize { get; init; }
    public required double EntropyLossWeight { get; init; }
    public required double CommitmentLossWeight { get; init; }
    public required double DiversityGamma { get; init; }
    public required double InverseTemperature { get; init; }
    public required double CodebookScale { get; init; }

    /// <summary>Compute the training entropy terms from per-bit tables (default) instead of the tokens × K matrix.</summary>
    public required bool FastPath { get; init; }

    /// <summary>Bits per token: log2(codebook size).</summary>
    public int CodebookDim => BitOperations.Log2((uint)CodebookSize);

    /// <summary>True when Dimension ≠ bits, so Linear projections map in and out.</summary>
    public bool HasProjections => Dimension != CodebookDim;

    /// <exception cref="ArgumentException">A value is out of range, or a parameter unknown (the message names the option).</exception>
    public static LfqSettings From(QuantizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfUnknownParameters(Parameters);
        try
        {
            var s = new LfqSettings
            {
                Dimension = options.Dimension,
                CodebookSize = options.CodebookSize == 0 ? DefaultCodebookSize : options.CodebookSize,
                EntropyLossWeight = options.GetDouble("entropy_loss_weight", 0.1),
                CommitmentLossWeight = options.GetDouble("commitment_loss_weight", 0.25),
                DiversityGamma = options.GetDouble("diversity_gamma", 1.0),
                InverseTemperature = options.GetDouble("inv_temperature", 100),
                CodebookScale = options.GetDouble("codebook_scale", 1.0),
                FastPath = options.GetBool("fast_path", true),
            };
            if (s.Dimension <= 0)
            {
                throw new ArgumentException($"lfq: Dimension must be positive, got {s.Dimension}");
            }

            if (s.CodebookSize < 2 || !BitOperations.IsPow2(s.CodebookSize) || s.CodebookSize > (1 << 20))
            {
                throw new ArgumentException($"lfq: CodebookSize must be a power of 2 between 2 and 2^20, got {s.CodebookSize}");
            }

            return s;
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"lfq: {e.Message}", nameof(options), e);
        }
    }
}
