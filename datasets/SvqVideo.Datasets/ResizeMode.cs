namespace SvqVideo.Datasets;

/// <summary>How a decoded frame is brought to the target size.</summary>
public enum ResizeMode
{
    /// <summary>Scale each axis independently to the target size (changes the aspect ratio; KTH, Human3.6M).</summary>
    Stretch,

    /// <summary>
    /// Scale uniformly so the frame covers the target, then cut the centre out (PredNet's
    /// <c>process_im</c> for Caltech: 640×480 → 171×128 → columns 5..164).
    /// </summary>
    CoverCrop,
}
