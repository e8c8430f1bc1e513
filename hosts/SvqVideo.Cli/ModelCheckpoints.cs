using SvqVideo.Hosting;
using SvqVideo.Torch;

namespace SvqVideo.Cli;

/// <summary>Rebuilds a trainable model from an SvqVideo checkpoint through the plugins its manifest names.</summary>
internal static class ModelCheckpoints
{
    public static (IForecastModel Model, CheckpointManifest Manifest) Load(PluginCatalog catalog, string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.BadInput, $"checkpoint not found: {path}");
        }

        var (manifest, tensors) = Checkpoint.Load(path);
        try
        {
            var factory = catalog.GetModel(manifest.Model.Family);
            IQuantizer? quantizer = manifest.Quantizer is { } q ? catalog.GetQuantizer(q.Kind).Create(q) : null;
            IForecastModel model;
            try
            {
                model = factory.Create(manifest.Model, quantizer);
            }
            catch
            {
                quantizer?.Dispose();
                throw;
            }

            try
            {
                Checkpoint.LoadModelState(model.Module, tensors);
            }
            catch (InvalidDataException e)
            {
                model.Dispose();
                throw new CliException(ExitCodes.BadInput, $"{path} does not fit its own manifest's model: {e.Message}");
            }

            model.Module.eval();
            return (model, manifest);
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }
}
