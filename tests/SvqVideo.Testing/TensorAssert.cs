using static TorchSharp.torch;

namespace SvqVideo.Testing;

/// <summary>The one tensor comparer: |got − expected| ≤ atol + rtol·|expected| elementwise; integer tensors exactly.</summary>
public static class TensorAssert
{
    /// <summary>Asserts <paramref name="actual"/> matches <paramref name="expected"/> in shape and values.</summary>
    public static void Close(Tensor expected, Tensor actual, double atol, double rtol, string what)
    {
        using var scope = NewDisposeScope();
        var e = expected.detach().cpu();
        var a = actual.detach().cpu();
        if (!e.shape.SequenceEqual(a.shape))
        {
            throw new Xunit.Sdk.XunitException($"{what}: shape [{string.Join(",", a.shape)}] != expected [{string.Join(",", e.shape)}]");
        }

        if (!e.is_floating_point())
        {
            var mismatches = a.to(ScalarType.Int64).ne(e.to(ScalarType.Int64)).sum().item<long>();
            if (mismatches != 0)
            {
                throw new Xunit.Sdk.XunitException($"{what}: {mismatches} of {e.numel()} integer values differ");
            }

            return;
        }

        var e64 = e.to(ScalarType.Float64);
        var a64 = a.to(ScalarType.Float64);
        if (a64.isnan().any().item<bool>() != e64.isnan().any().item<bool>())
        {
            throw new Xunit.Sdk.XunitException($"{what}: NaN pattern differs");
        }

        var diff = (a64 - e64).abs();
        var allowed = e64.abs() * rtol + atol;
        var bad = diff.gt(allowed);
        long badCount = bad.sum().item<long>();
        if (badCount > 0)
        {
            double maxDiff = diff.max().item<double>();
            long worst = diff.flatten().argmax().item<long>();
            throw new Xunit.Sdk.XunitException(
                $"{what}: {badCount} of {e.numel()} values outside atol {atol:g3} + rtol {rtol:g3}; max |diff| {maxDiff:g4} at flat index {worst} (expected {e64.flatten()[worst].item<double>():g6}, got {a64.flatten()[worst].item<double>():g6})");
        }
    }

    /// <summary>The largest absolute difference, for reporting.</summary>
    public static double MaxAbsDiff(Tensor expected, Tensor actual)
    {
        using var scope = NewDisposeScope();
        return (actual.detach().cpu().to(ScalarType.Float64) - expected.detach().cpu().to(ScalarType.Float64)).abs().max().item<double>();
    }
}
