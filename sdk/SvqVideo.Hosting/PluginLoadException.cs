namespace SvqVideo.Hosting;

/// <summary>A plugin folder or assembly could not be used; the message is one line saying what, where and what to do.</summary>
public sealed class PluginLoadException : Exception
{
    /// <summary>Creates the exception without a message.</summary>
    public PluginLoadException()
    {
    }

    /// <summary>Creates the exception with its one-line <paramref name="message"/>.</summary>
    public PluginLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its one-line <paramref name="message"/> and the failure that caused it.</summary>
    public PluginLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
