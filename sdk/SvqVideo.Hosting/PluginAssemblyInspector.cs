using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace SvqVideo.Hosting;

/// <summary>
/// Reads a candidate plugin's metadata without loading it: is it a .NET assembly, and which SvqVideo
/// SDK major does it reference? Nothing in the file is executed.
/// </summary>
internal static class PluginAssemblyInspector
{
    private static readonly string[] SdkAssemblies = ["SvqVideo.Abstractions", "SvqVideo.Abstractions.Torch"];

    /// <summary>The SDK major the plugin references, read before anything of it is loaded; throws when it is not this host's.</summary>
    /// <exception cref="PluginLoadException">Not a plugin, unreadable, or built against another SDK major (the message names both).</exception>
    public static int ReadCompatibleSdkMajor(string dllPath)
    {
        int major = ReadSdkMajor(dllPath);
        if (major != SdkVersion.Major)
        {
            throw new PluginLoadException($"{Path.GetFileName(dllPath)} was built against SvqVideo SDK {major}.x but this host runs SDK {SdkVersion.Current}; rebuild the plugin against SDK {SdkVersion.Major}");
        }

        return major;
    }

    /// <summary>Returns the SDK major the plugin references, or throws a one-line <see cref="PluginLoadException"/>.</summary>
    public static int ReadSdkMajor(string dllPath)
    {
        try
        {
            using var stream = File.OpenRead(dllPath);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                throw new PluginLoadException($"{dllPath} is not a .NET assembly, so it cannot be an SvqVideo plugin");
            }

            var md = pe.GetMetadataReader();
            int? major = null;
            foreach (var handle in md.AssemblyReferences)
            {
                var reference = md.GetAssemblyReference(handle);
                string name = md.GetString(reference.Name);
                if (Array.IndexOf(SdkAssemblies, name) >= 0)
                {
                    int m = reference.Version.Major;
                    if (major is { } other && other != m)
                    {
                        throw new PluginLoadException($"{dllPath} references two different SvqVideo SDK majors ({other} and {m}); rebuild it against SDK {SdkVersion.Major}");
                    }

                    major = m;
                }
            }

            return major ?? throw new PluginLoadException($"{dllPath} is not an SvqVideo plugin: it does not reference the SvqVideo SDK");
        }
        catch (BadImageFormatException)
        {
            throw new PluginLoadException($"{dllPath} is not a .NET assembly, so it cannot be an SvqVideo plugin");
        }
        catch (IOException e)
        {
            throw new PluginLoadException($"cannot read plugin {dllPath}: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new PluginLoadException($"cannot read plugin {dllPath}: {e.Message}", e);
        }
    }
}
