using System.Reflection;
using SvqVideo.Torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// Registry entry <c>simvp</c> for hosts: loads an SvqVideo SimVP checkpoint (<see cref="SimVPCheckpoints"/>),
/// rebuilding the quantizer its manifest names through the host's <see cref="IQuantizerResolver"/> service,
/// and serves it as an <see cref="IFramePredictor"/> on the requested device. Stateless and thread-safe.
/// </summary>
public sealed class SimVPPredictorFactory : IFramePredictorFactory
{
    private static readonly string Version =
        typeof(SimVPPredictorFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(SimVPPredictorFactory).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    /// <inheritdoc />
    public string Name => SimVPSettings.Family;

    /// <inheritdoc />
    public string Description => "SimVP forecaster (OpenSTL) from an SvqVideo checkpoint, optionally with a latent quantizer such as SVQ.";

    /// <inheritdoc />
    /// <exception cref="ArgumentException">No checkpoint path, an unknown device, a checkpoint of another family or with mismatching tensors, or a quantizer no plugin provides.</exception>
    /// <exception cref="IOException">The checkpoint is missing, unreadable or not an SvqVideo checkpoint.</exception>
    public IFramePredictor Create(PredictorCreateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.CheckpointPath))
        {
            throw new ArgumentException("simvp needs a checkpoint: set the checkpoint path (an SvqVideo .safetensors checkpoint; import PyTorch files first)", nameof(options));
        }

        var device = TorchDevices.Resolve(options.Device);
        var resolver = options.Services?.GetService(typeof(IQuantizerResolver)) as IQuantizerResolver;
        var model = SimVPCheckpoints.Load(options.CheckpointPath, resolver);
        try
        {
            return new TorchFramePredictor(model, device, Version);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
