namespace SvqVideo.Training;

/// <summary>The outcome of <see cref="FlowPriorCheck.Run"/>: mean training losses over the clips scored.</summary>
/// <param name="PriorLoss">The constant-velocity forecast's loss.</param>
/// <param name="CopyLastLoss">Copy-last-frame's loss on the same clips.</param>
/// <param name="Clips">Clips scored.</param>
public sealed record FlowPriorVerdict(double PriorLoss, double CopyLastLoss, int Clips)
{
    /// <summary>
    /// The most the constant-velocity forecast's loss may be, as a fraction of copy-last-frame's, for the motion to be
    /// worth carrying on. Not 1: a frame moved along an estimate that is noise comes out blurred by the bilinear
    /// sampling, and a blur alone lowers an L2 loss where content is unpredictable. On Conway's life (no motion, only
    /// births and deaths) the constant-velocity forecast scored 0.988 of copy-last-frame, yet a fit with the prior
    /// forecast worse than one without (BENCHMARKS.md); the benchmark's clips with steady motion scored 0.44–0.59.
    /// </summary>
    public const double RequiredRatio = 0.8;

    /// <summary>Carrying the motion on scores below <see cref="RequiredRatio"/> of copying the last frame.</summary>
    public bool PriorHelps => PriorLoss < RequiredRatio * CopyLastLoss;
}
