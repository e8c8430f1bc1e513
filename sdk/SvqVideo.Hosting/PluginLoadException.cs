namespace SvqVideo.Hosting;

/// <summary>A plugin folder or assembly could not be used; the message is one line saying what, where and what to do.</summary>
public sealed class PluginLoadException : Exception
{
    public PluginLoadException()
    {
    }

    public PluginLoadException(string message)
        : base(message)
    {
    }

    public PluginLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
