using static TorchSharp.torch;

namespace SvqVideo.Testing;

/// <summary>
/// The one tensor comparer. Shapes must be equal. Integer and boolean tensors must match exactly. Floating-point
/// tensors (compared in float64) must have NaN at the same positions and the same infinities at the same positions
/// (an expected +∞ matches only +∞), and every other element must satisfy |actual − expected| ≤ atol + rtol·|expected|.
/// </summary>
public static class TensorAssert
{
    /// <summary>Asserts <paramref name="actual"/> matches <paramref name="expected"/> in shape and values; <paramref name="what"/> names them in the failure.</summary>
    /// <exception cref="Xunit.Sdk.XunitException">They differ; the message says how many elements and where the first or worst one is.</exception>
    public static void Close(Tensor expected, Tensor actual, double atol, double rtol, string what)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        using var scope = NewDisposeScope();
        var e = expected.detach().cpu();
        var a = actual.detach().cpu();
        if (!e.shape.SequenceEqual(a.shape))
        {
            throw Fail($"{what}: shape [{string.Join(",", a.shape)}] != expected [{string.Join(",", e.shape)}]");
        }

        if (!e.is_floating_point())
        {
            var mismatches = a.to(ScalarType.Int64).ne(e.to(ScalarType.Int64)).flatten();
            long count = mismatches.sum().item<long>();
            if (count != 0)
            {
                throw Fail($"{what}: {count} of {e.numel()} integer values differ; first at flat index {First(mismatches)}");
            }

            return;
        }

        var e64 = e.to(ScalarType.Float64).flatten();
        var a64 = a.to(ScalarType.Float64).flatten();
        var nanMismatch = e64.isnan().ne(a64.isnan());
        if (nanMismatch.any().item<bool>())
        {
            long i = First(nanMismatch);
            throw Fail($"{what}: NaN at different positions ({nanMismatch.sum().item<long>()} of {e.numel()}); first at flat index {i} (expected {Value(e64, i)}, got {Value(a64, i)})");
        }

        // An infinity on either side must be matched by the same infinity on the other.
        var infMismatch = e64.isinf().logical_or(a64.isinf()).logical_and(e64.ne(a64));
        if (infMismatch.any().item<bool>())
        {
            long i = First(infMismatch);
            throw Fail($"{what}: infinities differ ({infMismatch.sum().item<long>()} of {e.numel()}); first at flat index {i} (expected {Value(e64, i)}, got {Value(a64, i)})");
        }

        var finite = e64.isfinite();
        var diff = where(finite, (a64 - e64).abs(), zeros_like(e64));
        var allowed = where(finite, e64.abs() * rtol + atol, zeros_like(e64));
        var bad = diff.gt(allowed);
        long badCount = bad.sum().item<long>();
        if (badCount > 0)
        {
            // The element furthest beyond its own allowance (not simply the largest difference, which may be allowed).
            long worst = (diff - allowed).argmax().item<long>();
            throw Fail(
                $"{what}: {badCount} of {e.numel()} values outside atol {atol:g3} + rtol {rtol:g3}; worst at flat index {worst}: |diff| {diff[worst].item<double>():g4} > {allowed[worst].item<double>():g4} (expected {Value(e64, worst)}, got {Value(a64, worst)})");
        }
    }

    /// <summary>The largest absolute difference over the elements finite on both sides, for reporting.</summary>
    public static double MaxAbsDiff(Tensor expected, Tensor actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        using var scope = NewDisposeScope();
        var e = expected.detach().cpu().to(ScalarType.Float64).flatten();
        var a = actual.detach().cpu().to(ScalarType.Float64).flatten();
        var both = e.isfinite().logical_and(a.isfinite());
        return both.any().item<bool>() ? (a - e).abs().masked_select(both).max().item<double>() : 0;
    }

    private static long First(Tensor mask) => mask.to(ScalarType.Int64).argmax().item<long>();

    private static string Value(Tensor t, long i) => t[i].item<double>().ToString("g6", System.Globalization.CultureInfo.InvariantCulture);

    private static Xunit.Sdk.XunitException Fail(string message) => new(message);
}
