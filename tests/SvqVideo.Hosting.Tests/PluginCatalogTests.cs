using System.Runtime.CompilerServices;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Hosting.Tests;

public sealed class PluginCatalogTests
{
    private const string Scale = "SvqVideo.TestPlugins.Scale";

    public PluginCatalogTests() => NativeRuntime.EnsureTorch();

    [Fact]
    public void FindsQuantizersAndPredictorsByName()
    {
        using var ws = new PluginWorkspace();
        ws.Add("v1", Scale);
        using var catalog = PluginCatalog.Load(ws.Root);
        Assert.Contains(catalog.Entries, e => e.Name == "scale" && e.Kind == PluginKind.Quantizer && e.SdkMajor == SdkVersion.Major);
        Assert.Contains(catalog.Entries, e => e.Name == "echo" && e.Kind == PluginKind.Predictor);
        Assert.Same(catalog.GetQuantizer("SCALE"), catalog.FindQuantizer("scale"));
        Assert.Same(catalog, catalog.GetService(typeof(IQuantizerResolver)));
        Assert.Same(catalog, catalog.GetService(typeof(IForecastModelResolver)));
        Assert.Null(catalog.FindModel("scale"));
    }

    [Fact]
    public void PluginQuantizerComputesOnHostTensors()
    {
        using var ws = new PluginWorkspace();
        ws.Add("v1", Scale);
        using var catalog = PluginCatalog.Load(ws.Root);
        var factory = catalog.GetQuantizer("scale");
        using var q = factory.Create(factory.DefaultOptions(4));
        using var x = ones(2, 4, 3, 3);
        using var output = q.Quantize(x);
        Assert.Equal(2.0, output.Quantized.mean().item<float>(), 6);
        Assert.Throws<ArgumentException>(() => q.Quantize(ones(2, 5, 3, 3)));
    }

    [Fact]
    public void HostFacingPredictorPluginForecasts()
    {
        using var ws = new PluginWorkspace();
        ws.Add("v1", Scale);
        using var catalog = PluginCatalog.Load(ws.Root);
        using var predictor = catalog.CreatePredictor("echo", new PredictorCreateOptions());
        var context = new FrameClip(Enumerable.Range(0, 32).Select(i => i / 32f).ToArray(), 2, 1, 4, 4);
        var forecast = predictor.Predict(context, new ForecastOptions { Frames = 5 });
        Assert.Equal(5, forecast.Frames);
        Assert.Equal(context.Frame(1).ToArray(), forecast.Frame(4).ToArray());
    }

    [Fact]
    public void UnknownNameListsWhatIsAvailable()
    {
        using var ws = new PluginWorkspace();
        ws.Add("v1", Scale);
        using var catalog = PluginCatalog.Load(ws.Root);
        var e = Assert.Throws<PluginLoadException>(() => catalog.GetQuantizer("svq"));
        Assert.Contains("available: scale", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PluginBuiltAgainstAnotherSdkMajorIsRefusedNamingBothVersions()
    {
        using var ws = new PluginWorkspace();
        ws.Add("sdk2", "SvqVideo.TestPlugins.Sdk2");
        var e = Assert.Throws<PluginLoadException>(() => PluginCatalog.Load(ws.Root));
        Assert.Contains("SDK 2.x", e.Message, StringComparison.Ordinal);
        Assert.Contains($"SDK {SdkVersion.Current}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void TwoPluginsClaimingOneNameAreRefused()
    {
        using var ws = new PluginWorkspace();
        ws.Add("v1", Scale);
        ws.Add("dup", "SvqVideo.TestPlugins.Duplicate");
        var e = Assert.Throws<PluginLoadException>(() => PluginCatalog.Load(ws.Root));
        Assert.Contains("two plugins claim the quantizer name 'scale'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFolderIsAOneLineError()
    {
        var e = Assert.Throws<PluginLoadException>(() => PluginCatalog.Load(Path.Combine(Path.GetTempPath(), "svq-no-such-folder-" + Guid.NewGuid())));
        Assert.StartsWith("plugin folder does not exist", e.Message, StringComparison.Ordinal);

        // An SDK message names no application's flags or scripts; the CLI adds those where it catches this.
        Assert.DoesNotContain("--", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("scripts/", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FolderWithoutPluginsIsAnError()
    {
        using var ws = new PluginWorkspace();
        Directory.CreateDirectory(Path.Combine(ws.Root, "Empty"));
        var e = Assert.Throws<PluginLoadException>(() => PluginCatalog.Load(ws.Root));
        Assert.Contains("holds no plugin", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AssemblyThatIsNotAPluginIsRefused()
    {
        using var ws = new PluginWorkspace();
        ws.Add("other", "SvqVideo.TestPlugins.NotAPlugin");
        var e = Assert.Throws<PluginLoadException>(() => PluginCatalog.Load(ws.Root));
        Assert.Contains("is not an SvqVideo plugin", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextFileNamedDllIsRefused()
    {
        using var ws = new PluginWorkspace();
        var dir = Directory.CreateDirectory(Path.Combine(ws.Root, "Fake"));
        File.WriteAllText(Path.Combine(dir.FullName, "Fake.dll"), "not a binary");
        var e = Assert.Throws<PluginLoadException>(() => PluginCatalog.Load(ws.Root));
        Assert.Contains("is not a .NET assembly", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LenientModeLoadsGoodPluginsAndReportsBadOnes()
    {
        using var ws = new PluginWorkspace();
        ws.Add("v1", Scale);
        ws.Add("sdk2", "SvqVideo.TestPlugins.Sdk2");
        using var catalog = PluginCatalog.Load(ws.Root, new PluginCatalogOptions { Strict = false });
        Assert.NotNull(catalog.FindQuantizer("scale"));
        Assert.Single(catalog.Problems);
    }

    [Fact]
    public void ReplacingThePluginDllHotReloadsTheNewBehaviour()
    {
        using var ws = new PluginWorkspace();
        ws.Add("v1", Scale);
        using var catalog = PluginCatalog.Load(ws.Root, new PluginCatalogOptions { EnableHotReload = true, ReloadDelay = TimeSpan.FromMilliseconds(100) });
        Assert.Equal(2.0, Apply(catalog), 6);

        using var reloaded = new ManualResetEventSlim();
        PluginReloadedEventArgs? args = null;
        catalog.Reloaded += (_, e) =>
        {
            args = e;
            reloaded.Set();
        };
        ws.Replace("v2", Scale);
        Assert.True(reloaded.Wait(TimeSpan.FromSeconds(30)), "no reload within 30 s");
        Assert.Null(args!.Error);
        Assert.Equal(3.0, Apply(catalog), 6);
        Assert.Contains(catalog.Entries, e => e.Name == "scale" && e.Version == "2.0.0");
    }

    [Fact]
    public void DisposedCatalogUnloadsItsCollectibleContexts()
    {
        var weak = LoadUseAndDispose();
        for (int i = 0; i < 20 && weak.Any(w => w.IsAlive); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.All(weak, w => Assert.False(w.IsAlive, "plugin load context still alive after dispose"));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference> LoadUseAndDispose()
    {
        var ws = new PluginWorkspace();
        try
        {
            var catalog = PluginCatalog.Load(ws.Root is var r && ws.Add("v1", Scale) is not null ? r : r, new PluginCatalogOptions { Unloadable = true });
            var weak = catalog.LoadContextReferences().ToList();
            Assert.Equal(2.0, Apply(catalog), 6);
            catalog.Dispose();
            return weak;
        }
        finally
        {
            ws.Dispose();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Apply(PluginCatalog catalog)
    {
        var factory = catalog.GetQuantizer("scale");
        using var q = factory.Create(factory.DefaultOptions(2));
        using var scope = NewDisposeScope();
        using var output = q.Quantize(ones(1, 2, 2, 2));
        return output.Quantized.mean().item<float>();
    }
}
