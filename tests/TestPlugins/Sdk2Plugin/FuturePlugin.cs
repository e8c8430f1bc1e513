namespace SvqVideo.TestPlugins.Sdk2;

/// <summary>Implements a contract of the fake SDK 2.</summary>
public sealed class FuturePlugin : IFutureContract
{
    public string Name => "future";
}
