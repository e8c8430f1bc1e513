using System.Diagnostics;
using SvqVideo.Testing;

namespace SvqVideo.Cli.Tests;

/// <summary>Runs the built svqvideo CLI (or the sample) as a child process and captures its output.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static string Configuration => AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string CliDll => Path.Combine(Fixtures.RepositoryRoot, "hosts", "SvqVideo.Cli", "bin", Configuration, "net10.0", "svqvideo.dll");

    public static string SampleDll => Path.Combine(Fixtures.RepositoryRoot, "hosts", "SvqVideo.Samples.Embed", "bin", Configuration, "net10.0", "svqvideo-embed-sample.dll");

    public static string PluginsFolder => Path.Combine(Fixtures.RepositoryRoot, "artifacts", "plugins");

    public static Result Cli(params string[] args) => Run(CliDll, args, TimeSpan.FromMinutes(8));

    public static Result Run(string dll, IEnumerable<string> args, TimeSpan timeout)
    {
        using var p = Start(dll, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(dll)} {string.Join(' ', args)} did not finish in {timeout}");
        }

        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts the program with redirected output and returns at once; the caller reads the streams and waits.</summary>
    public static Process Start(string dll, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["SVQVIDEO_PLUGINS"] = PluginsFolder;
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["COLUMNS"] = "200";
        return Process.Start(psi)!;
    }
}
