using SvqVideo.Hosting;
using SvqVideo.Testing;

namespace SvqVideo.Cli.Tests;

/// <summary>The SDK's messages name no CLI flag or script; the CLI adds its own hints where it catches them.</summary>
public sealed class ErrorHintTests
{
    [Fact]
    public void ANativeRuntimeFailureGetsTheSetupScriptHint()
    {
        var (code, message) = ErrorReporter.Classify(new NativeRuntimeException("libLibTorchSharp.so needs GLIBCXX_3.4.32 (libstdc++ from GCC 13.2 or newer), which this system's libstdc++ lacks; install a newer libstdc++6"));
        Assert.Equal(ExitCodes.NativeRuntime, code);
        Assert.StartsWith("libLibTorchSharp.so needs GLIBCXX_3.4.32", message, StringComparison.Ordinal);
        Assert.Contains("scripts/setup.sh", message, StringComparison.Ordinal);
    }

    [Fact]
    public void APluginFolderThatCannotLoadGetsTheFolderHint()
    {
        using var dir = new TempFolder("svq-cli-hint-");
        string missing = dir.Combine("nothing-here");
        var sdk = Assert.Throws<PluginLoadException>(() => PluginCatalog.Load(missing));
        var cli = Assert.Throws<CliException>(() => PluginFolder.Load(missing, new PluginCatalogOptions()));
        Assert.Equal(ExitCodes.Plugin, cli.ExitCode);
        Assert.StartsWith(sdk.Message, cli.Message, StringComparison.Ordinal);
        Assert.Contains("--plugins <folder>", cli.Message, StringComparison.Ordinal);
        Assert.Contains("scripts/setup.sh", cli.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnforeseenFailureIsOneLineWithoutTheExceptionsTypeName()
    {
        foreach (var e in new Exception[] { new InvalidOperationException("the state went wrong"), new OverflowException("Arithmetic operation resulted in an overflow."), new OutOfMemoryException() })
        {
            var (code, message) = ErrorReporter.Classify(e);
            Assert.Equal(ExitCodes.Failure, code);
            Assert.DoesNotContain(e.GetType().Name, message, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', message);
        }
    }
}
