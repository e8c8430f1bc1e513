using SvqVideo.Plugins.Svq;
using SvqVideo.Torch;

namespace SvqVideo.Plugins.SimVP.Tests;

/// <summary>A host's service provider offering an <see cref="IQuantizerResolver"/> with the SVQ plugin (or nothing).</summary>
internal sealed class QuantizerRegistry(bool withSvq = true) : IQuantizerResolver, IServiceProvider
{
    public IQuantizerFactory? FindQuantizer(string name) =>
        withSvq && string.Equals(name, "svq", StringComparison.OrdinalIgnoreCase) ? new SvqQuantizerFactory() : null;

    public object? GetService(Type serviceType) => serviceType == typeof(IQuantizerResolver) ? this : null;
}
