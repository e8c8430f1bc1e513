namespace SvqVideo.Hosting;

/// <summary>One registered factory: its registry name, kind, and where it came from.</summary>
/// <param name="Name">Registry name (lower case).</param>
/// <param name="Kind">What the factory builds.</param>
/// <param name="Description">The factory's one-line description.</param>
/// <param name="AssemblyName">The plugin assembly's simple name.</param>
/// <param name="Version">The plugin assembly's informational version.</param>
/// <param name="SdkMajor">The SDK major the plugin was built against.</param>
/// <param name="Path">Full path of the plugin dll.</param>
public sealed record PluginEntry(string Name, PluginKind Kind, string Description, string AssemblyName, string Version, int SdkMajor, string Path);
