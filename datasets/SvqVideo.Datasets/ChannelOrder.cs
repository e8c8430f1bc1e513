namespace SvqVideo.Datasets;

/// <summary>Order of the three colour channels in produced frames (ignored for grayscale).</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue: the SDK's convention and the default.</summary>
    Rgb,

    /// <summary>Blue, green, red: what OpenCV decodes and what OpenSTL feeds its models for Human3.6M and Caltech.</summary>
    Bgr,
}
