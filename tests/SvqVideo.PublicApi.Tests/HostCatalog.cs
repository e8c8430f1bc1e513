using SvqVideo.Hosting;
using SvqVideo.Testing;

namespace SvqVideo.PublicApi.Tests;

/// <summary>What a host does once at start-up: check libtorch, tune the allocator, load the plugin folder. Shared by the tests of a class.</summary>
public sealed class HostCatalog : IDisposable
{
    public HostCatalog()
    {
        NativeRuntime.EnsureTorch();
        NativeAllocator.TuneForTensors();
        Catalog = PluginCatalog.Load(Path.Combine(Fixtures.RepositoryRoot, "artifacts", "plugins"));
    }

    public PluginCatalog Catalog { get; }

    public void Dispose() => Catalog.Dispose();
}
