namespace SvqVideo.Hosting;

/// <summary>Raised (on a thread-pool thread) after a plugin was reloaded from a replaced dll.</summary>
public sealed class PluginReloadedEventArgs : EventArgs
{
    /// <summary>Describes a finished reload of <paramref name="assemblyName"/>: its new <paramref name="entries"/>, or the <paramref name="error"/> that refused it.</summary>
    public PluginReloadedEventArgs(string assemblyName, IReadOnlyList<PluginEntry> entries, string? error)
    {
        AssemblyName = assemblyName;
        Entries = entries;
        Error = error;
    }

    /// <summary>The plugin assembly that changed.</summary>
    public string AssemblyName { get; }

    /// <summary>The entries it now provides (empty when the reload failed).</summary>
    public IReadOnlyList<PluginEntry> Entries { get; }

    /// <summary>Null on success; otherwise one line saying why the new version was refused (the old entries were removed).</summary>
    public string? Error { get; }
}
