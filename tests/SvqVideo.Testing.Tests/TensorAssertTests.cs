using Xunit.Sdk;
using static TorchSharp.torch;

namespace SvqVideo.Testing.Tests;

/// <summary>The comparer every numerical test relies on: what it accepts, and above all what it refuses.</summary>
public sealed class TensorAssertTests
{
    private const double Nan = double.NaN;
    private const double Inf = double.PositiveInfinity;

    private static void Close(double[] expected, double[] actual, double atol = 1e-6, double rtol = 0)
    {
        using var e = tensor(expected);
        using var a = tensor(actual);
        TensorAssert.Close(e, a, atol, rtol, "values");
    }

    private static string Refused(double[] expected, double[] actual, double atol = 1e-6, double rtol = 0) =>
        Assert.Throws<XunitException>(() => Close(expected, actual, atol, rtol)).Message;

    [Fact]
    public void EqualValuesPass() => Close([1, -2, 0], [1, -2, 0], atol: 0);

    [Fact]
    public void DifferencesWithinAtolPlusRtolTimesExpectedPass() => Close([100, 1], [100.5, 1.01], atol: 0.01, rtol: 0.005);

    [Fact]
    public void ADifferenceJustOutsideTheToleranceFailsNamingItsPosition()
    {
        string message = Refused([100, 1], [100.5, 1.02], atol: 0.01, rtol: 0.005);
        Assert.Contains("1 of 2 values outside", message, StringComparison.Ordinal);
        Assert.Contains("flat index 1", message, StringComparison.Ordinal);
    }

    [Fact]
    public void NaNsAtTheSamePositionsPass() => Close([Nan, 1, Nan], [Nan, 1, Nan]);

    [Fact]
    public void NaNsAtDifferentPositionsFail()
    {
        string message = Refused([Nan, 1], [1, Nan]);
        Assert.Contains("NaN at different positions", message, StringComparison.Ordinal);
        Assert.Contains("flat index 0", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANaNWhereANumberIsExpectedFailsAndTheOtherWayRound()
    {
        Assert.Contains("NaN", Refused([1, 2], [1, Nan]), StringComparison.Ordinal);
        Assert.Contains("NaN", Refused([1, Nan], [1, 2]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-3)]
    public void AnExpectedInfinityMatchesNoFiniteValue(double rtol)
    {
        Assert.Contains("infinities differ", Refused([Inf, 0], [1e300, 0], atol: 1e-3, rtol: rtol), StringComparison.Ordinal);
        Assert.Contains("infinities differ", Refused([-Inf], [-1], atol: 1e-3, rtol: rtol), StringComparison.Ordinal);
    }

    [Fact]
    public void AnExpectedInfinityMatchesOnlyTheSameInfinity()
    {
        Close([Inf, -Inf, 3], [Inf, -Inf, 3]);
        Assert.Contains("infinities differ", Refused([Inf], [-Inf], rtol: 1), StringComparison.Ordinal);
    }

    [Fact]
    public void AnInfinityWhereANumberIsExpectedFails() =>
        Assert.Contains("infinities differ", Refused([5], [Inf], atol: 1e300), StringComparison.Ordinal);

    [Fact]
    public void ShapesMustBeEqual()
    {
        using var e = zeros(2, 3);
        using var a = zeros(3, 2);
        var message = Assert.Throws<XunitException>(() => TensorAssert.Close(e, a, 1, 1, "m")).Message;
        Assert.Contains("shape [3,2] != expected [2,3]", message, StringComparison.Ordinal);
    }

    [Fact]
    public void IntegerTensorsMatchExactlyWhateverTheTolerance()
    {
        using var e = tensor(new long[] { 1, 2, 3 });
        using var same = tensor(new long[] { 1, 2, 3 });
        using var off = tensor(new long[] { 1, 2, 4 });
        TensorAssert.Close(e, same, 0, 0, "same");
        var message = Assert.Throws<XunitException>(() => TensorAssert.Close(e, off, 10, 10, "off")).Message;
        Assert.Contains("1 of 3 integer values differ; first at flat index 2", message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxAbsDiffIgnoresElementsThatAreNotFiniteOnBothSides()
    {
        using var e = tensor(new[] { 1.0, Nan, Inf, 4.0 });
        using var a = tensor(new[] { 1.5, Nan, Inf, 4.25 });
        Assert.Equal(0.5, TensorAssert.MaxAbsDiff(e, a));
    }
}
