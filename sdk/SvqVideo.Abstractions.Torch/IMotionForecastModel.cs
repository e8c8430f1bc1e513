namespace SvqVideo.Torch;

/// <summary>
/// An <see cref="IForecastModel"/> that can forecast by moving pixels (SimVP with <c>warp</c>) and hand over that
/// motion with the forecast, so that a host can apply it to the frames at another size.
/// </summary>
public interface IMotionForecastModel : IForecastModel
{
    /// <summary>
    /// The same forecast as <see cref="IForecastModel.Forecast"/>, with the flow and the frame each forecast frame was
    /// moved from (see <see cref="ForecastRollout.RunWithFlow"/>); the flow is null when this model's configuration does
    /// not warp.
    /// </summary>
    (TorchSharp.torch.Tensor Prediction, TorchSharp.torch.Tensor? Flow, IReadOnlyList<int> Sources) ForecastWithFlow(TorchSharp.torch.Tensor frames, int horizon);
}
