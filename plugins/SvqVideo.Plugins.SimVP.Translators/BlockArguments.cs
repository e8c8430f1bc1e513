namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>Argument checks shared by the blocks, each failing with a one-line message naming the argument.</summary>
internal static class BlockArguments
{
    public static void RequirePositive(long value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive");
        }
    }

    public static void RequireMlpRatio(double mlpRatio)
    {
        if (double.IsNaN(mlpRatio) || double.IsInfinity(mlpRatio) || mlpRatio <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(mlpRatio), mlpRatio, "mlp_ratio must be a positive number (OpenSTL uses 4 or 8)");
        }
    }

    public static void RequireRate(double rate, string name)
    {
        if (double.IsNaN(rate) || rate < 0 || rate > 1)
        {
            throw new ArgumentOutOfRangeException(name, rate, $"{name} must be in [0, 1]");
        }
    }

    public static void RequireDivisible(long channels, long divisor, string name, string why)
    {
        if (channels % divisor != 0)
        {
            throw new ArgumentException($"{name} = {channels} must be divisible by {divisor} ({why})", name);
        }
    }

    /// <summary>Python's <c>int(dim * mlp_ratio)</c>: truncation toward zero, at least 1.</summary>
    public static long HiddenWidth(long dim, double mlpRatio)
    {
        long hidden = (long)(dim * mlpRatio);
        if (hidden < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(mlpRatio), mlpRatio, $"int({dim} · mlp_ratio) is {hidden}; the MLP needs at least one hidden channel");
        }

        return hidden;
    }
}
