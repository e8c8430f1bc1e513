using System.Text.Json.Nodes;
using SvqVideo.Torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// Saves and loads SimVP models as SvqVideo checkpoints (<see cref="Checkpoint"/>: one safetensors file whose
/// tensors are the model's state dict under the reference keys and whose manifest holds the
/// <see cref="ModelConfig"/> and the quantizer's <see cref="QuantizerOptions"/>). Thread-safe (no shared state).
/// </summary>
public static class SimVPCheckpoints
{
    /// <summary>
    /// Writes <paramref name="model"/>'s state dict (from any device) and manifest to <paramref name="path"/>
    /// atomically. <paramref name="training"/> (epoch, step, seeds, …) is stored in the manifest when given.
    /// The manifest's channel order is <c>gray</c> for one-channel models and <c>RGB</c> otherwise.
    /// </summary>
    public static void Save(string path, IForecastModel model, JsonObject? training = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        var manifest = new CheckpointManifest
        {
            Model = model.Config,
            Quantizer = model.Quantizer?.Options,
            Training = training,
            ChannelOrder = model.Config.Channels == 1 ? "gray" : "RGB",
        };
        Checkpoint.Save(path, manifest, model.Module.state_dict());
    }

    /// <summary>
    /// Rebuilds the model a checkpoint describes, with the quantizer its manifest names (found through
    /// <paramref name="quantizers"/>), and loads every weight strictly (tensors under
    /// <see cref="Checkpoint.TrainingStatePrefixes"/> are ignored). The model is on the CPU in training mode; the caller owns it.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not an SvqVideo checkpoint or is corrupt.</exception>
    /// <exception cref="ArgumentException">The checkpoint is for another model family, names a quantizer that cannot be built, or its tensors do not fit (the message names the first mismatching key).</exception>
    public static IForecastModel Load(string path, IQuantizerResolver? quantizers)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"checkpoint not found: {path}", path);
        }

        var (manifest, tensors) = Checkpoint.Load(path);
        try
        {
            if (!string.Equals(manifest.Model.Family, SimVPSettings.Family, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"{path}: the checkpoint holds a '{manifest.Model.Family}' model, not simvp; load it with the '{manifest.Model.Family}' plugin");
            }

            var quantizer = manifest.Quantizer is null ? null : BuildQuantizer(path, manifest.Quantizer, quantizers);
            IForecastModel model;
            try
            {
                model = new SimVPModelFactory().Create(manifest.Model, quantizer);
            }
            catch (ArgumentException e)
            {
                quantizer?.Dispose();
                throw new ArgumentException($"{path}: the checkpoint's simvp configuration is invalid: {e.Message}", e);
            }

            try
            {
                Checkpoint.LoadModelState(model.Module, tensors);
            }
            catch (InvalidDataException e)
            {
                model.Dispose();
                throw new ArgumentException($"{path}: the tensors do not fit the simvp model its manifest describes: {e.Message}", e);
            }

            return model;
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    private static IQuantizer BuildQuantizer(string path, QuantizerOptions options, IQuantizerResolver? quantizers)
    {
        if (quantizers is null)
        {
            throw new ArgumentException($"{path}: the model uses quantizer '{options.Kind}', but the host offers no quantizer registry (IQuantizerResolver) to build it");
        }

        var factory = quantizers.FindQuantizer(options.Kind)
            ?? throw new ArgumentException($"{path}: the model uses quantizer '{options.Kind}', but no loaded plugin provides it; install the '{options.Kind}' quantizer plugin");
        try
        {
            return factory.Create(options);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{path}: cannot rebuild quantizer '{options.Kind}' from the checkpoint: {e.Message}", e);
        }
    }
}
