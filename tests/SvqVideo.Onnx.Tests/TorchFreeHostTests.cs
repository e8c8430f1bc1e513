using System.Diagnostics;
using SvqVideo.Testing;

namespace SvqVideo.Onnx.Tests;

/// <summary>
/// The host-facing SDK and the onnx plugin work in a process that never loads TorchSharp or libtorch: the sample host
/// (hosts/SvqVideo.Samples.Onnx) ships neither, forecasts with an exported model through the plugin catalog, and finds
/// no torch library in its own /proc/self/maps — a check that does see libtorch in this (TorchSharp) test process.
/// </summary>
public sealed class TorchFreeHostTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-onnx-host-");

    public void Dispose() => _dir.Dispose();

    private static string SampleFolder => Path.Combine(Fixtures.RepositoryRoot, "hosts", "SvqVideo.Samples.Onnx", "bin",
        AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug", "net10.0");

    [SkippableFact]
    public void SampleHostForecastsWithoutLoadingTorchSharpOrLibtorch()
    {
        Skip.IfNot(File.Exists("/proc/self/maps"), "needs Linux's /proc/self/maps");
        string model = _dir.Combine("model.onnx");
        using (var m = SmallModels.Create("svq"))
        {
            OnnxExporter.Export(m, model);
        }

        var shipped = Directory.EnumerateFiles(SampleFolder, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain(shipped, f => IsTorch(f!));
        Assert.DoesNotContain("TorchSharp.dll", File.ReadAllText(Path.Combine(SampleFolder, "svqvideo-onnx-sample.deps.json")), StringComparison.Ordinal);

        var (exit, stdout, stderr) = Run(Path.Combine(SampleFolder, "svqvideo-onnx-sample.dll"), Plugins.Folder, model, "9");

        Assert.True(exit == 0, $"exit {exit}: {stdout} {stderr}");
        Assert.Contains("predictor onnx", stdout, StringComparison.Ordinal);
        Assert.Contains("forecast 9 frames of 1x16x16", stdout, StringComparison.Ordinal);
        Assert.Contains("torch libraries mapped: none", stdout, StringComparison.Ordinal);

        // The same check sees libtorch where it is loaded: in this process, which runs TorchSharp.
        var here = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "").Select(Path.GetFileName);
        Assert.Contains(here, f => IsTorch(f!));
    }

    [Fact]
    public void SampleHostReportsABadModelInOneLine()
    {
        string bad = _dir.Combine("bad.onnx");
        File.WriteAllText(bad, "not a model");
        var (exit, _, stderr) = Run(Path.Combine(SampleFolder, "svqvideo-onnx-sample.dll"), Plugins.Folder, bad);
        Assert.Equal(1, exit);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("cannot be loaded as an ONNX model", stderr, StringComparison.Ordinal);
    }

    /// <summary>libtorch's libraries (libtorch*, libc10*, the libLibTorchSharp shim) and TorchSharp's assembly — the sample's own criterion.</summary>
    private static bool IsTorch(string name) =>
        name.StartsWith("libtorch", StringComparison.Ordinal) || name.StartsWith("libc10", StringComparison.Ordinal)
        || name.StartsWith("libLibTorchSharp", StringComparison.Ordinal) || name == "TorchSharp.dll";

    private static (int Exit, string Stdout, string Stderr) Run(string dll, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{dll} did not finish");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
