using System.Reflection;
using SvqVideo.Torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// Registry entry <c>simvp</c> for hosts: loads an SvqVideo SimVP checkpoint (<see cref="Checkpoint.LoadModel"/>),
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
    /// <exception cref="ArgumentException">No checkpoint path, an unknown device, or a checkpoint of another model family.</exception>
    /// <exception cref="FileNotFoundException">The checkpoint does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not an SvqVideo checkpoint, is corrupt, or its tensors do not fit its manifest.</exception>
    /// <exception cref="KeyNotFoundException">The checkpoint's quantizer is provided by no plugin the host offers.</exception>
    public IFramePredictor Create(PredictorCreateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.CheckpointPath))
        {
            throw new ArgumentException("simvp needs a checkpoint: set the checkpoint path (an SvqVideo .safetensors checkpoint; import PyTorch files first)", nameof(options));
        }

        var device = TorchDevices.Resolve(options.Device);
        string path = options.CheckpointPath;
        if (File.Exists(path) && Checkpoint.ReadManifest(path).Model.Family is var family
            && !string.Equals(family, SimVPSettings.Family, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"{path}: the checkpoint holds a '{family}' model, not simvp; load it with the '{family}' plugin", nameof(options));
        }

        var quantizers = options.Services?.GetService(typeof(IQuantizerResolver)) as IQuantizerResolver;
        var model = Checkpoint.LoadModel(path, new SimVPResolver(quantizers));
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
