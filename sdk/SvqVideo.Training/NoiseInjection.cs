using static TorchSharp.torch;

namespace SvqVideo.Training;

/// <summary>
/// The paper's input corruption (Table 5): a random fraction η of all input values is multiplied
/// by factors drawn from U(−2, 2); every other value is left unchanged. Used in training only.
/// </summary>
public static class NoiseInjection
{
    /// <summary>
    /// Returns a corrupted copy of <paramref name="input"/>: exactly round(η·numel) values, chosen
    /// uniformly without replacement, are multiplied by independent U(−2, 2) factors. Draws all
    /// randomness from <paramref name="generator"/> (a CPU generator; the input may live on any
    /// device). η = 0 returns an unchanged copy. The input is not modified.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is outside [0, 1].</exception>
    public static Tensor Apply(Tensor input, double fraction, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(generator);
        if (fraction is < 0 or > 1 || double.IsNaN(fraction))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "noise fraction must be in [0, 1]");
        }

        using var scope = NewDisposeScope();
        long count = input.numel();
        long chosen = (long)Math.Round(fraction * count);
        var flat = input.reshape(-1).clone();
        if (chosen > 0)
        {
            var positions = randperm(count, dtype: ScalarType.Int64, generator: generator).narrow(0, 0, chosen).to(input.device);
            var factors = rand([chosen], generator: generator, dtype: input.dtype).mul_(4).sub_(2).to(input.device);
            flat.index_put_(flat.index_select(0, positions).mul_(factors), positions);
        }

        return scope.MoveToOuter(flat.view(input.shape));
    }
}
