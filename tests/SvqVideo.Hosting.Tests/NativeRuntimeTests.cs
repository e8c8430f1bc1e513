namespace SvqVideo.Hosting.Tests;

public sealed class NativeRuntimeTests
{
    [Fact]
    public void TorchLoadsOnThisMachine()
    {
        string description = NativeRuntime.EnsureTorch();
        Assert.StartsWith("libtorch ", description, StringComparison.Ordinal);
        Assert.NotNull(NativeRuntime.FindShim(AppContext.BaseDirectory));
    }

    [Fact]
    public void EnsureTorchSwitchesNnpackOffThroughLibtorchsOwnSwitch()
    {
        NativeRuntime.EnsureTorch();
        Assert.True(SvqVideo.Torch.CpuBackends.Available, "libtorch's at::Context switches were not found");
        Assert.False(SvqVideo.Torch.CpuBackends.NnpackEnabled);
        Assert.True(SvqVideo.Torch.CpuBackends.OneDnnEnabled);

        // The switch is libtorch's: what it reports follows what was set.
        SvqVideo.Torch.CpuBackends.OneDnnEnabled = false;
        try
        {
            Assert.False(SvqVideo.Torch.CpuBackends.OneDnnEnabled);
        }
        finally
        {
            SvqVideo.Torch.CpuBackends.OneDnnEnabled = true;
        }
    }

    [Fact]
    public void MissingGlibcxxSymbolVersionIsExplainedWithTheFix()
    {
        string line = NativeRuntime.Explain("/x/libLibTorchSharp.so", "/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by /x/libLibTorchSharp.so)");
        Assert.Contains("needs GLIBCXX_3.4.32", line, StringComparison.Ordinal);
        Assert.Contains("install a newer libstdc++6", line, StringComparison.Ordinal);
        Assert.DoesNotContain("scripts/", line, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingDependencyIsNamed()
    {
        string line = NativeRuntime.Explain("/x/libLibTorchSharp.so", "libtorch_cpu.so: cannot open shared object file: No such file or directory");
        Assert.Contains("libtorch_cpu.so is missing", line, StringComparison.Ordinal);
    }

    [Fact]
    public void FileThatIsNotALibraryGivesOneLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"svq-fake-{Guid.NewGuid():N}.so");
        File.WriteAllText(path, "not an ELF file");
        try
        {
            string? problem = NativeRuntime.DescribeLoadFailure(path);
            Assert.NotNull(problem);
            Assert.DoesNotContain('\n', problem);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
