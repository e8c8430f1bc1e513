namespace SvqVideo.Metrics;

/// <summary>Which SSIM definition to compute. The two give different numbers on the same frames; always say which one a value is.</summary>
public enum SsimVariant
{
    /// <summary>
    /// What OpenSTL's <c>metric()</c> reports (scikit-image 0.19 defaults): 7×7 uniform window, sample
    /// covariance (×49/48), data range 2 (C1 = 4e-4, C2 = 3.6e-3), mean over the map with a 3-pixel
    /// border cropped, per channel then averaged. The paper's tables use this.
    /// </summary>
    OpenStl,

    /// <summary>
    /// The standard SSIM of Wang et al. (2004): 11×11 Gaussian window (σ = 1.5), population statistics,
    /// data range 1 (C1 = 1e-4, C2 = 9e-4), only positions where the whole window fits ("valid"),
    /// per channel then averaged. Needs frames of at least 11×11.
    /// </summary>
    Wang,
}
