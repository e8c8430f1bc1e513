using SvqVideo.Plugins.Svq;
using SvqVideo.Torch;

namespace SvqVideo.Plugins.SimVP.Tests;

/// <summary>A host's plugin registry in miniature: the simvp model family and (optionally) the SVQ quantizer, offered as services.</summary>
internal sealed class PluginRegistry(bool withSvq = true) : IForecastModelResolver, IServiceProvider
{
    public IForecastModelFactory? FindModel(string family) =>
        string.Equals(family, "simvp", StringComparison.OrdinalIgnoreCase) ? new SimVPModelFactory() : null;

    public IQuantizerFactory? FindQuantizer(string name) =>
        withSvq && string.Equals(name, "svq", StringComparison.OrdinalIgnoreCase) ? new SvqQuantizerFactory() : null;

    public object? GetService(Type serviceType) =>
        serviceType == typeof(IQuantizerResolver) || serviceType == typeof(IForecastModelResolver) ? this : null;
}
