using System.Diagnostics;
using SvqVideo.Testing;

namespace SvqVideo.Cli.Tests;

/// <summary>Runs the built svqvideo CLI (or the sample) as a child process and captures its output.</summary>
internal static class CliRunner
{
    public static string Configuration => AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string CliDll => Path.Combine(Fixtures.RepositoryRoot, "hosts", "SvqVideo.Cli", "bin", Configuration, "net10.0", "svqvideo.dll");

    public static string SampleDll => Path.Combine(Fixtures.RepositoryRoot, "hosts", "SvqVideo.Samples.Embed", "bin", Configuration, "net10.0", "svqvideo-embed-sample.dll");

    public static string PluginsFolder => Path.Combine(Fixtures.RepositoryRoot, "artifacts", "plugins");

    public static ProcessRunner.Result Cli(params string[] args) => Run(CliDll, args, TimeSpan.FromMinutes(8));

    public static ProcessRunner.Result Run(string dll, IEnumerable<string> args, TimeSpan timeout) => ProcessRunner.RunDotnet(dll, args, timeout, Environment);

    /// <summary>Starts the program with redirected output and returns at once; the caller reads the streams and waits.</summary>
    public static Process Start(string dll, IEnumerable<string> args) => ProcessRunner.StartDotnet(dll, args, Environment);

    /// <summary>The built plugins, no colours, a wide console.</summary>
    private static Dictionary<string, string> Environment => new()
    {
        ["SVQVIDEO_PLUGINS"] = PluginsFolder,
        ["NO_COLOR"] = "1",
        ["COLUMNS"] = "200",
    };
}
