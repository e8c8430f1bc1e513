using static TorchSharp.torch;

namespace SvqVideo.Training;

/// <summary>
/// One evaluated batch, handed to the caller's callback. The tensors are valid only during the
/// callback (they are disposed right after it); copy what must be kept. Values are in [0, 1] except
/// <see cref="Predictions"/>, which are unclipped.
/// </summary>
public sealed class EvaluationBatch
{
    internal EvaluationBatch(int firstClip, Tensor inputs, Tensor targets, Tensor predictions)
    {
        FirstClip = firstClip;
        Inputs = inputs;
        Targets = targets;
        Predictions = predictions;
    }

    /// <summary>Dataset index (in evaluation order, which is the dataset's order) of the batch's first clip.</summary>
    public int FirstClip { get; }

    /// <summary>Number of clips in the batch.</summary>
    public int Clips => (int)Inputs.shape[0];

    /// <summary>Context frames (B, FramesIn, C, H, W).</summary>
    public Tensor Inputs { get; }

    /// <summary>True future frames (B, horizon, C, H, W).</summary>
    public Tensor Targets { get; }

    /// <summary>Forecast frames (B, horizon, C, H, W), unclipped.</summary>
    public Tensor Predictions { get; }
}
