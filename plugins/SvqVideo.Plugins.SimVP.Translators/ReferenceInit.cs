using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// The weight initialisations OpenSTL's blocks apply in their constructors (<c>_init_weights</c>), so a
/// model trained from scratch starts from the same distributions as the reference. Modules not
/// touched keep TorchSharp's defaults, which are PyTorch's.
/// </summary>
internal static class ReferenceInit
{
    /// <summary>Every Conv2d under <paramref name="root"/>: weight ~ N(0, 2/fan_out), fan_out = k·k·out/groups; bias 0.</summary>
    public static void ConvFanOut(nn.Module root)
    {
        using var noGrad = no_grad();
        foreach (var conv in root.modules().OfType<Conv2d>())
        {
            long fanOut = conv.kernel_size.Aggregate(1L, (a, k) => a * k) * conv.out_channels / conv.groups;
            nn.init.normal_(conv.weight, 0, Math.Sqrt(2.0 / fanOut));
            if (conv.bias is { } bias)
            {
                nn.init.zeros_(bias);
            }
        }
    }

    /// <summary>Every Conv2d under <paramref name="root"/>: weight ~ truncated N(0, 0.02²) on [−2, 2]; bias 0.</summary>
    public static void ConvTruncNormal(nn.Module root)
    {
        using var noGrad = no_grad();
        foreach (var conv in root.modules().OfType<Conv2d>())
        {
            nn.init.trunc_normal_(conv.weight, 0, 0.02);
            if (conv.bias is { } bias)
            {
                nn.init.zeros_(bias);
            }
        }
    }

    /// <summary>Every Linear under <paramref name="root"/>: weight ~ truncated N(0, 0.02²) on [−2, 2]; bias 0.</summary>
    public static void LinearTruncNormal(nn.Module root)
    {
        using var noGrad = no_grad();
        foreach (var linear in root.modules().OfType<Linear>())
        {
            nn.init.trunc_normal_(linear.weight, 0, 0.02);
            if (linear.bias is { } bias)
            {
                nn.init.zeros_(bias);
            }
        }
    }

    /// <summary>
    /// Every GroupNorm under <paramref name="root"/>: weight 1, bias 0 (PyTorch's defaults). TorchSharp 0.107.0's
    /// <c>nn.GroupNorm</c> leaves both uninitialised (arbitrary memory, sometimes NaN), so every block that
    /// owns one calls this.
    /// </summary>
    public static void GroupNormDefaults(nn.Module root)
    {
        using var noGrad = no_grad();
        foreach (var norm in root.modules().OfType<GroupNorm>())
        {
            if (norm.weight is { } weight)
            {
                nn.init.ones_(weight);
            }

            if (norm.bias is { } bias)
            {
                nn.init.zeros_(bias);
            }
        }
    }

    /// <summary>A trainable tensor of <paramref name="shape"/> filled with <paramref name="value"/> in the default float dtype (layer scales, sigmas).</summary>
    public static Parameter Filled(long[] shape, double value) => nn.Parameter(full(shape, value, dtype: get_default_dtype()));
}
