using SvqVideo.Torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// Registry entry <c>simvp</c>: builds OpenSTL's SimVP (any translator model_type: <c>gSTA</c>, <c>IncepU</c>,
/// <c>convmixer</c>, <c>poolformer</c>, <c>van</c>, <c>hornet</c>, <c>moga</c>, <c>uniformer</c>, <c>tau</c>,
/// <c>convnext</c>, <c>mlp</c>), optionally with a quantizer in its latent space (SVQ-Forecasting's SimVP+VQ).
/// Parameters (OpenSTL names and defaults): <c>hid_S</c> 16, <c>hid_T</c> 256, <c>N_S</c> 4, <c>N_T</c> 4,
/// <c>model_type</c> gSTA, <c>mlp_ratio</c> 8, <c>drop</c> 0, <c>drop_path</c> 0, <c>spatio_kernel_enc</c> 3,
/// <c>spatio_kernel_dec</c> 3, plus <c>quantizer_placement</c> <c>pre</c> (default) or <c>post</c>.
/// Stateless and thread-safe.
/// </summary>
public sealed class SimVPModelFactory : IForecastModelFactory
{
    /// <inheritdoc />
    public string Name => SimVPSettings.Family;

    /// <inheritdoc />
    public string Description => "SimVP (OpenSTL): CNN encoder, translator (gSTA, IncepU or another MetaFormer block), CNN decoder; optional latent quantizer.";

    /// <inheritdoc />
    public ModelConfig DefaultConfig(int framesIn, int framesOut, int channels, int height, int width) =>
        SimVPSettings.DefaultConfig(framesIn, framesOut, channels, height, width);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The configuration is invalid, or the quantizer's dimension is not hid_S.</exception>
    public IForecastModel Create(ModelConfig config, IQuantizer? quantizer)
    {
        var settings = SimVPSettings.From(config);
        if (quantizer is not null && quantizer.Options.Dimension != settings.HidS)
        {
            throw new ArgumentException(
                $"quantizer '{quantizer.Options.Kind}' has dimension {quantizer.Options.Dimension} but simvp's latent has hid_S = {settings.HidS} channels; build the quantizer with Dimension = hid_S",
                nameof(quantizer));
        }

        var model = new SimVPModel(config, settings, quantizer);
        model.train();
        return model;
    }
}
