using SvqVideo.Torch;

namespace SvqVideo.Plugins.Svq;

/// <summary>The SVQ settings resolved from <see cref="QuantizerOptions"/> (defaults applied, values checked).</summary>
internal sealed record SvqSettings
{
    public const int DefaultCodebookSize = 10000;
    public const int DefaultMiddim = 128;
    public const int DefaultDiagnosticTokens = 4096;

    /// <summary>Every parameter name SVQ reads; any other is rejected.</summary>
    public static IReadOnlyList<string> Parameters { get; } = ["middim", "nonlinear", "hid_relu", "out_relu", "fast_path", "diagnostic_tokens"];

    public required int Dimension { get; init; }
    public required int CodebookSize { get; init; }
    public required bool Frozen { get; init; }
    public required CodebookInit Init { get; init; }
    public required int Middim { get; init; }
    public required bool Nonlinear { get; init; }
    public required bool HiddenRelu { get; init; }
    public required bool OutputRelu { get; init; }
    public required bool FastPath { get; init; }
    public required int DiagnosticTokens { get; init; }

    /// <summary>Hidden width of the weight MLP: min(middim, N), as the reference clamps it.</summary>
    public int Hidden => Math.Min(Middim, CodebookSize);

    /// <summary>The factored path is exact only while the weights are affine in the hidden features.</summary>
    public bool UsesFastPath => FastPath && !(Nonlinear && OutputRelu);

    /// <exception cref="ArgumentException">A value is out of range, or a parameter unknown (the message names the option).</exception>
    public static SvqSettings From(QuantizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfUnknownParameters(Parameters);
        try
        {
            var s = new SvqSettings
            {
                Dimension = options.Dimension,
                CodebookSize = options.CodebookSize == 0 ? DefaultCodebookSize : options.CodebookSize,
                Frozen = options.Frozen,
                Init = CodebookInitializer.Parse(options.Init),
                Middim = options.GetInt("middim", DefaultMiddim),
                Nonlinear = options.GetBool("nonlinear", true),
                HiddenRelu = options.GetBool("hid_relu", true),
                OutputRelu = options.GetBool("out_relu", false),
                FastPath = options.GetBool("fast_path", true),
                DiagnosticTokens = options.GetInt("diagnostic_tokens", DefaultDiagnosticTokens),
            };
            Require(s.Dimension > 0, $"svq: Dimension must be positive, got {s.Dimension}");
            Require(s.CodebookSize > 0, $"svq: CodebookSize must be positive, got {s.CodebookSize}");
            Require(s.Middim > 0, $"svq: parameter 'middim' must be positive, got {s.Middim}");
            Require(s.DiagnosticTokens > 0, $"svq: parameter 'diagnostic_tokens' must be positive, got {s.DiagnosticTokens}");
            return s;
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"svq: {e.Message}", nameof(options), e);
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
