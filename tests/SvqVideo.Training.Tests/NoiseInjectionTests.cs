using SvqVideo.Training.Tests.StandIns;
using static TorchSharp.torch;

namespace SvqVideo.Training.Tests;

public class NoiseInjectionTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.3)]
    public void ExactlyTheFractionEtaOfValuesIsMultipliedByFactorsUniformInMinusTwoToTwo(double eta)
    {
        const int n = 200_000;
        using var generator = new Generator(3, CPU);
        using var input = ones(n);
        using var output = NoiseInjection.Apply(input, eta, generator);
        using var changed = output.ne(1);
        long changedCount = changed.sum().item<long>();
        Assert.Equal((long)Math.Round(eta * n), changedCount);

        using var factors = output.masked_select(changed);
        Assert.True(factors.min().item<float>() >= -2f, "a factor is below -2");
        Assert.True(factors.max().item<float>() <= 2f, "a factor is above 2");
        // U(-2, 2): mean 0, variance 16/12; tolerances are several standard errors for 20k–60k draws.
        Assert.InRange(factors.mean().item<float>(), -0.05, 0.05);
        Assert.InRange(factors.var().item<float>(), (16.0 / 12) - 0.05, (16.0 / 12) + 0.05);
        Assert.InRange(factors.lt(0).to(ScalarType.Float32).mean().item<float>(), 0.48, 0.52);
    }

    [Fact]
    public void CorruptedPositionsAreSpreadUniformlyAndOtherValuesAreUntouched()
    {
        using var generator = new Generator(5, CPU);
        using var input = rand([4, 10, 1, 32, 32]).add(0.5);
        using var output = NoiseInjection.Apply(input, 0.2, generator);
        using var changed = output.ne(input);
        Assert.True(Runs.Same(output.masked_select(changed.logical_not()), input.masked_select(changed.logical_not())));
        using var ratio = output.masked_select(changed).div(input.masked_select(changed));
        Assert.True(ratio.abs().max().item<float>() <= 2.0001f);
        double firstHalf = changed.narrow(0, 0, 2).to(ScalarType.Float32).mean().item<float>();
        double secondHalf = changed.narrow(0, 2, 2).to(ScalarType.Float32).mean().item<float>();
        Assert.InRange(firstHalf, 0.18, 0.22);
        Assert.InRange(secondHalf, 0.18, 0.22);
    }

    [Fact]
    public void TheSameGeneratorSeedGivesTheSameCorruptionAndTheInputIsNotModified()
    {
        using var input = rand([2, 4, 1, 8, 8]);
        using var copy = input.clone();
        using var g1 = new Generator(11, CPU);
        using var g2 = new Generator(11, CPU);
        using var a = NoiseInjection.Apply(input, 0.25, g1);
        using var b = NoiseInjection.Apply(input, 0.25, g2);
        Assert.True(Runs.Same(a, b));
        Assert.True(Runs.Same(input, copy));
        Assert.False(Runs.Same(a, input));
    }

    [Fact]
    public void ZeroEtaReturnsAnUnchangedCopy()
    {
        using var generator = new Generator(1, CPU);
        using var input = rand(3, 5);
        using var output = NoiseInjection.Apply(input, 0, generator);
        Assert.True(Runs.Same(output, input));
    }

    [Fact]
    public void AnEtaOutsideZeroToOneIsRejected()
    {
        using var generator = new Generator(1, CPU);
        using var input = rand(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => NoiseInjection.Apply(input, 1.5, generator));
    }
}
