namespace SvqVideo.Torch;

/// <summary>
/// Finds model factories by family name and, as an <see cref="IQuantizerResolver"/>, quantizer factories by
/// kind: everything <see cref="Checkpoint.LoadModel"/> needs to rebuild the model a checkpoint describes.
/// A host's plugin catalog implements it. Thread-safe.
/// </summary>
public interface IForecastModelResolver : IQuantizerResolver
{
    /// <summary>The model factory registered as <paramref name="family"/> (case-insensitive), or null.</summary>
    IForecastModelFactory? FindModel(string family);
}
