using SvqVideo.Datasets;

namespace SvqVideo.Cli;

/// <summary>A plan's clip shape (frames, channels, height, width) as a dataset with no clips, for building a model without opening any data.</summary>
internal sealed class PlanShape(RunPlan plan) : IClipDataset
{
    public string Name => "shape";

    public int Count => 0;

    public int FramesIn => plan.FramesIn;

    public int FramesOut => plan.FramesOut;

    public int Channels => RunPlan.Int(plan.Dataset, "channels", 1);

    public int Height => RunPlan.Int(plan.Dataset, "height", 64);

    public int Width => RunPlan.Int(plan.Dataset, "width", 64);

    public void CopyClip(int index, Span<float> destination) => throw new NotSupportedException();
}
