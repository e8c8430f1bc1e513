namespace SvqVideo.Datasets.Human36m;

/// <summary>Human3.6M settings. Defaults follow the paper/OpenSTL (4 → 4 frames, every 5th frame, 256×256 colour, cubic), except RGB order.</summary>
public sealed record Human36mOptions
{
    /// <summary>Context frames.</summary>
    public int FramesIn { get; init; } = 4;

    /// <summary>Target frames.</summary>
    public int FramesOut { get; init; } = 4;

    /// <summary>Distance between the frame numbers of consecutive clip frames (50 fps → 10 fps).</summary>
    public int FrameStep { get; init; } = 5;

    /// <summary>Frame height (frames of another size are resized).</summary>
    public int Height { get; init; } = 256;

    /// <summary>Frame width.</summary>
    public int Width { get; init; } = 256;

    /// <summary>Colour order; OpenSTL feeds BGR (cv2.imread), choose <see cref="ChannelOrder.Bgr"/> to match its numbers.</summary>
    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Rgb;

    /// <summary>Resampling filter for frames of another size (OpenSTL: cubic).</summary>
    public FrameInterpolation Interpolation { get; init; } = FrameInterpolation.Cubic;

    /// <summary>Split protocol.</summary>
    public Human36mProtocol Protocol { get; init; } = Human36mProtocol.OpenStl;

    /// <summary>Training subjects for <see cref="Human36mProtocol.BySubject"/>.</summary>
    public IReadOnlyList<string> TrainSubjects { get; init; } = ["S1", "S5", "S6", "S7", "S8"];

    /// <summary>Test subjects for <see cref="Human36mProtocol.BySubject"/>.</summary>
    public IReadOnlyList<string> TestSubjects { get; init; } = ["S9", "S11"];

    /// <summary>
    /// Fraction of the training videos (whole videos, evenly spread in name order) whose clips form the
    /// validation split instead. 0 keeps OpenSTL's training list intact (OpenSTL validates on test).
    /// </summary>
    public double ValidationFraction { get; init; } = 0.05;
}
