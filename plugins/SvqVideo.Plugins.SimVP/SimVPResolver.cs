using SvqVideo.Torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>Resolves the simvp family to this plugin's own factory and quantizers through the host's resolver (none when the host offers none).</summary>
internal sealed class SimVPResolver(IQuantizerResolver? quantizers) : IForecastModelResolver
{
    public IForecastModelFactory? FindModel(string family) =>
        string.Equals(family, SimVPSettings.Family, StringComparison.OrdinalIgnoreCase) ? new SimVPModelFactory() : null;

    public IQuantizerFactory? FindQuantizer(string name) => quantizers?.FindQuantizer(name);
}
