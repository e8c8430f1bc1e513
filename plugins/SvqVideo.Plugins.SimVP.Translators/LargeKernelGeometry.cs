namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// Kernel sizes and paddings of the decomposed large-kernel convolution used by gSTA and TAU: a
/// (2d−1)×(2d−1) depthwise conv, then a dd_k×dd_k depthwise conv with dilation d, where
/// dd_k = K//d + ((K//d) % 2 − 1). K = 21, d = 3 gives 5 (padding 2) and 7 (padding 9).
/// </summary>
internal static class LargeKernelGeometry
{
    /// <exception cref="ArgumentOutOfRangeException">kernel_size &lt; dilation (no valid dilated kernel) or dilation &lt; 1.</exception>
    public static (int Kernel, int Padding, int DilatedKernel, int DilatedPadding) Of(int kernelSize, int dilation)
    {
        if (dilation < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dilation), dilation, "dilation must be at least 1");
        }

        if (kernelSize < dilation)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, $"kernel_size must be at least the dilation {dilation} (OpenSTL uses 21)");
        }

        int dk = 2 * dilation - 1;
        int dp = (dk - 1) / 2;
        int q = kernelSize / dilation;
        int ddk = q + (q % 2 - 1);
        int ddp = dilation * (ddk - 1) / 2;
        return (dk, dp, ddk, ddp);
    }
}
