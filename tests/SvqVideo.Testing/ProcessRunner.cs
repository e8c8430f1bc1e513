using System.Diagnostics;

namespace SvqVideo.Testing;

/// <summary>Runs a program as a child process, the way a user runs it (a built .NET program through <c>dotnet</c>, or a script), capturing its output.</summary>
public static class ProcessRunner
{
    /// <summary>What a finished run returned and printed.</summary>
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs <c>dotnet &lt;dll&gt; args</c> to completion; kills it (and its children) and throws when it outlasts <paramref name="timeout"/>.</summary>
    public static Result RunDotnet(string dll, IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null) =>
        Run("dotnet", [dll, .. args], timeout, environment);

    /// <summary>Starts <c>dotnet &lt;dll&gt; args</c> with redirected output and returns at once; the caller reads the streams, waits and disposes.</summary>
    public static Process StartDotnet(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        Start("dotnet", [dll, .. args], environment);

    /// <summary>Runs <paramref name="program"/> to completion; kills it (and its children) and throws when it outlasts <paramref name="timeout"/>.</summary>
    public static Result Run(string program, IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var argList = args.ToList();
        using var p = Start(program, argList, environment, workingDirectory);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', argList)} did not finish in {timeout}");
        }

        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts <paramref name="program"/> with redirected output and returns at once; the caller reads the streams, waits and disposes.</summary>
    public static Process Start(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            psi.WorkingDirectory = workingDirectory;
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        return Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
    }
}
