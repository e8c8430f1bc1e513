namespace SvqVideo.Plugins.SimVP;

/// <summary>Checks of SimVP's hyper-parameters; each failure is one line naming the parameter as <see cref="SvqVideo.Torch.ModelConfig"/> spells it.</summary>
internal static class SimVPArguments
{
    public static void RequireEncoderShape(int channels, int hidS, int nS, int spatioKernel)
    {
        Require(channels > 0, "channels", $"frames must have at least one channel, got {channels}");
        Require(hidS > 0 && hidS % 2 == 0, "hid_S", $"hid_S must be a positive even number (GroupNorm uses 2 groups), got {hidS}");
        Require(nS >= 2 && nS % 2 == 0, "N_S", $"N_S must be an even number of at least 2 (the reference alternates [keep, downsample]), got {nS}");
        Require(spatioKernel > 0 && spatioKernel % 2 == 1, "spatio_kernel", $"spatial kernels must be odd and positive, got {spatioKernel}");
    }

    /// <summary>The exception for an invalid <paramref name="parameter"/>.</summary>
    public static ArgumentException Invalid(string parameter, string message) => new(message, parameter);

    public static void Require(bool condition, string parameter, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message, parameter);
        }
    }
}
