namespace SvqVideo.Metrics;

/// <summary>
/// The metric names a <see cref="MetricSet"/> understands (also its JSON keys). OpenSTL's names mean
/// what OpenSTL means by them: <c>mse</c>/<c>mae</c> are per-frame SUMS over pixels, not means.
/// </summary>
public static class MetricNames
{
    /// <summary>OpenSTL MSE: mean over frames of the per-frame sum over C·H·W of the squared error (unclipped prediction). The paper's "MSE".</summary>
    public const string Mse = "mse";

    /// <summary>OpenSTL MAE: mean over frames of the per-frame sum over C·H·W of the absolute error (unclipped prediction). The paper's "MAE".</summary>
    public const string Mae = "mae";

    /// <summary>OpenSTL RMSE: sqrt of <see cref="Mse"/> (of the mean, not a mean of per-frame roots).</summary>
    public const string Rmse = "rmse";

    /// <summary>Per-pixel MSE: mean over frames of the mean over C·H·W of the squared error (unclipped prediction).</summary>
    public const string PixelMse = "pixel_mse";

    /// <summary>Per-pixel MAE: mean over frames of the mean over C·H·W of the absolute error (unclipped prediction).</summary>
    public const string PixelMae = "pixel_mae";

    /// <summary>OpenSTL PSNR (dB, peak 1, prediction clipped to [0, 1]), averaged over frames; +∞ for identical frames.</summary>
    public const string Psnr = "psnr";

    /// <summary>OpenSTL SSIM (<see cref="SsimVariant.OpenStl"/>), averaged over frames. The paper's "SSIM".</summary>
    public const string Ssim = "ssim";

    /// <summary>Standard Wang et al. SSIM (<see cref="SsimVariant.Wang"/>), averaged over frames.</summary>
    public const string SsimWang = "ssim_wang";

    /// <summary>LPIPS (AlexNet, v0.1) on frames mapped to [−1, 1], prediction clipped, averaged over frames. Needs weights.</summary>
    public const string Lpips = "lpips";

    /// <summary>Every name, in report order.</summary>
    public static IReadOnlyList<string> All { get; } = [Mse, Mae, Rmse, PixelMse, PixelMae, Psnr, Ssim, SsimWang, Lpips];

    /// <summary>What a <see cref="MetricSet"/> computes by default: all but LPIPS (added when a module is given).</summary>
    public static IReadOnlyList<string> Default { get; } = [Mse, Mae, Rmse, PixelMse, PixelMae, Psnr, Ssim, SsimWang];

    /// <summary>A one-line description of a metric, for reports and help text.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="All"/>.</exception>
    public static string Describe(string name) => name switch
    {
        Mse => "OpenSTL MSE: per-frame sum over C·H·W of squared error, averaged over frames",
        Mae => "OpenSTL MAE: per-frame sum over C·H·W of absolute error, averaged over frames",
        Rmse => "OpenSTL RMSE: sqrt(mse)",
        PixelMse => "per-pixel MSE: per-frame mean of squared error, averaged over frames",
        PixelMae => "per-pixel MAE: per-frame mean of absolute error, averaged over frames",
        Psnr => "OpenSTL PSNR (dB, peak 1, prediction clipped to [0,1]), averaged over frames; +inf for identical frames",
        Ssim => "OpenSTL SSIM (skimage 0.19 defaults: 7x7 uniform, sample covariance, data range 2, 3-px crop)",
        SsimWang => "Wang et al. SSIM (11x11 Gaussian sigma 1.5, population statistics, data range 1, valid positions)",
        Lpips => "LPIPS AlexNet v0.1 on [-1,1] frames (prediction clipped), averaged over frames",
        _ => throw new ArgumentException($"unknown metric '{name}'; known: {string.Join(", ", All)}", nameof(name)),
    };
}
