namespace SvqVideo.Torch;

/// <summary>
/// Finds quantizer factories by registry name. Hosts offer it to model plugins through
/// <see cref="PredictorCreateOptions.Services"/>; thread-safe.
/// </summary>
public interface IQuantizerResolver
{
    /// <summary>The factory registered as <paramref name="name"/> (case-insensitive), or null.</summary>
    IQuantizerFactory? FindQuantizer(string name);
}
