namespace SvqVideo.Datasets;

/// <summary>Resampling filter used when a frame is resized.</summary>
public enum FrameInterpolation
{
    /// <summary>Bilinear (OpenCV's default, used by OpenSTL for KTH).</summary>
    Linear,

    /// <summary>Bicubic (OpenSTL's Human3.6M loader).</summary>
    Cubic,

    /// <summary>Pixel-area averaging: the better choice for strong downscaling.</summary>
    Area,

    /// <summary>Nearest neighbour.</summary>
    Nearest,
}
