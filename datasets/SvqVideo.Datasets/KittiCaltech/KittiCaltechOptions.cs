namespace SvqVideo.Datasets.KittiCaltech;

/// <summary>KittiCaltech settings. Defaults are the paper's/OpenSTL's: 10 → 1 frames at 128×160 colour, Caltech every 3rd frame.</summary>
public sealed record KittiCaltechOptions
{
    /// <summary>Context frames.</summary>
    public int FramesIn { get; init; } = 10;

    /// <summary>Target frames.</summary>
    public int FramesOut { get; init; } = 1;

    /// <summary>Frame height.</summary>
    public int Height { get; init; } = 128;

    /// <summary>Frame width.</summary>
    public int Width { get; init; } = 160;

    /// <summary>
    /// Colour order for every split. OpenSTL trains on KITTI in RGB but tests on Caltech in BGR; to
    /// reproduce that, open the test split with <see cref="ChannelOrder.Bgr"/> and the others with RGB.
    /// </summary>
    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Rgb;

    /// <summary>Keep every k-th Caltech frame (30 → 10 fps); OpenSTL keeps the 3rd, 6th, 9th, … decoded frame.</summary>
    public int CaltechFrameStep { get; init; } = 3;

    /// <summary>Resampling filter for Caltech frames (OpenSTL uses skimage's anti-aliased bilinear resize; area averaging is the closest OpenCV filter).</summary>
    public FrameInterpolation CaltechInterpolation { get; init; } = FrameInterpolation.Area;

    /// <summary>Frame cache folder; null uses <see cref="FrameCache.DefaultDirectory"/>.</summary>
    public string? CacheDirectory { get; init; }
}
