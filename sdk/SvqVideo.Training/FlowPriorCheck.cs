using SvqVideo.Datasets;
using static TorchSharp.torch;

namespace SvqVideo.Training;

/// <summary>
/// Whether a video's motion is worth carrying on, decided on its own clips before a model is trained: scores the
/// constant-velocity forecast (<see cref="Evaluation.ConstantVelocity"/>, what an untrained SimVP with <c>flow_prior</c>
/// forecasts) against copy-last-frame with the training loss. Where content moves steadily the first scores lower;
/// where it changes without moving (a cellular automaton, flicker) the estimated motion is noise that the forecast
/// multiplies step after step, and copy-last-frame scores lower.
/// </summary>
public static class FlowPriorCheck
{
    /// <summary>Scores both forecasts over the first <paramref name="maxClips"/> clips of <paramref name="dataset"/> (all when 0).</summary>
    /// <param name="dataset">Clips with at least two context frames.</param>
    /// <param name="options">The training options whose loss (kind, chroma weight, horizon weighting) scores the forecasts.</param>
    /// <param name="maxClips">At most this many clips (0: all).</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <exception cref="ArgumentException">The clips have fewer than two context frames, or the dataset is empty.</exception>
    public static FlowPriorVerdict Run(IClipDataset dataset, TrainingOptions options, int maxClips = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        if (dataset.FramesIn < 2)
        {
            throw new ArgumentException($"the motion check needs at least two context frames, {dataset.Name} has {dataset.FramesIn}", nameof(dataset));
        }

        if (dataset.Count == 0)
        {
            throw new ArgumentException($"{dataset.Name} has no clips to check", nameof(dataset));
        }

        double prior = 0, copyLast = 0;
        int clips = 0;
        var evaluation = new EvaluationOptions { BatchSize = 16, MaxClips = maxClips };
        Evaluation.Walk(dataset, evaluation, CPU, Evaluation.ConstantVelocity, batch =>
        {
            prior += ForecastPass.Loss(options, batch.Predictions, batch.Targets, batch.Inputs).item<float>() * batch.Clips;
            copyLast += ForecastPass.Loss(options, Evaluation.CopyLastFrame(batch.Inputs, (int)batch.Targets.shape[1]), batch.Targets, batch.Inputs).item<float>() * batch.Clips;
            clips += batch.Clips;
        }, cancellationToken);
        return new FlowPriorVerdict(prior / clips, copyLast / clips, clips);
    }
}
