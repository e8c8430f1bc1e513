namespace SvqVideo.Torch;

/// <summary>
/// A model plugin's tensor-level entry point: builds trainable models from a
/// <see cref="ModelConfig"/>. One concrete implementation per family with a public parameterless
/// constructor. Stateless and thread-safe.
/// </summary>
public interface IForecastModelFactory
{
    /// <summary>Registry name (lower case, e.g. <c>simvp</c>).</summary>
    string Name { get; }

    /// <summary>One-line description for listings.</summary>
    string Description { get; }

    /// <summary>The family's default hyper-parameters for a clip shape.</summary>
    ModelConfig DefaultConfig(int framesIn, int framesOut, int channels, int height, int width);

    /// <summary>
    /// Builds the model on the CPU in training mode, with <paramref name="quantizer"/> (owned by the
    /// model from then on) in its latent space, or none.
    /// </summary>
    /// <exception cref="ArgumentException">The configuration is invalid (the message names the parameter).</exception>
    IForecastModel Create(ModelConfig config, IQuantizer? quantizer);
}
