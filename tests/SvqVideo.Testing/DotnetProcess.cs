using System.Diagnostics;

namespace SvqVideo.Testing;

/// <summary>Runs a built .NET program (<c>dotnet &lt;dll&gt; args</c>) as a child process, the way a user runs it, capturing its output.</summary>
public static class DotnetProcess
{
    /// <summary>What a finished run returned and printed.</summary>
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs the program to completion; kills it (and its children) and throws when it outlasts <paramref name="timeout"/>.</summary>
    public static Result Run(string dll, IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var argList = args.ToList();
        using var p = Start(dll, argList, environment);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(dll)} {string.Join(' ', argList)} did not finish in {timeout}");
        }

        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts the program with redirected output and returns at once; the caller reads the streams, waits and disposes.</summary>
    public static Process Start(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        return Process.Start(psi) ?? throw new InvalidOperationException($"could not start dotnet {dll}");
    }
}
