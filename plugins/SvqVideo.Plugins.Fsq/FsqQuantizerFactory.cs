using SvqVideo.Torch;

namespace SvqVideo.Plugins.Fsq;

/// <summary>
/// Registry entry <c>fsq</c>: finite scalar quantization (vector-quantize-pytorch 1.12.5 <c>FSQ</c>).
/// Parameter <c>levels</c> (comma-separated, each ≥ 3; default 8,5,5,3 = 600 codes); Linear projections
/// when Dimension ≠ number of levels; <see cref="QuantizerOptions.CodebookSize"/> must be 0 or ∏ levels.
/// No state and no aux loss. Stateless and thread-safe.
/// </summary>
public sealed class FsqQuantizerFactory : IQuantizerFactory
{
    internal static readonly int[] DefaultLevels = [8, 5, 5, 3];

    /// <inheritdoc />
    public string Name => "fsq";

    /// <inheritdoc />
    public string Description => "Finite scalar quantization: each projected feature bounded by tanh and rounded to a few levels (vector-quantize-pytorch 1.12.5).";

    /// <inheritdoc />
    public QuantizerOptions DefaultOptions(int dimension) => new QuantizerOptions { Kind = Name, Dimension = dimension }.With("levels", DefaultLevels);

    /// <inheritdoc />
    public IQuantizer Create(QuantizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new FiniteScalarQuantizer(options);
    }
}
