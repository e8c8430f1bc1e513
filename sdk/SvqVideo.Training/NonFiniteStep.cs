using System.Globalization;

namespace SvqVideo.Training;

/// <summary>The training step whose loss or gradient norm was NaN or infinite (see <see cref="StopReason.NonFinite"/>). Immutable.</summary>
public sealed record NonFiniteStep
{
    /// <summary>Epoch, 1-based.</summary>
    public required int Epoch { get; init; }

    /// <summary>Step within the epoch, 1-based.</summary>
    public required int Step { get; init; }

    /// <summary>Steps taken before this one, over the whole run.</summary>
    public required long GlobalStep { get; init; }

    /// <summary>The step's loss (may be NaN or infinite).</summary>
    public required double Loss { get; init; }

    /// <summary>The global L2 norm of the gradients (may be NaN or infinite).</summary>
    public required double GradientNorm { get; init; }

    /// <summary>One line: which quantity, where.</summary>
    public override string ToString()
    {
        string what = double.IsFinite(Loss) ? $"the gradient norm is {Format(GradientNorm)}" : $"the loss is {Format(Loss)}";
        return $"{what} at epoch {Epoch}, step {Step} (global step {GlobalStep + 1})";
    }

    private static string Format(double value) => double.IsNaN(value) ? "NaN" : value.ToString("g4", CultureInfo.InvariantCulture);
}
