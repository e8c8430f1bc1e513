using System.Diagnostics;
using SvqVideo.Testing;

namespace SvqVideo.Cli.Tests;

/// <summary>
/// scripts/build.sh and ./svqvideo in a scratch copy of the repository's layout, with a stand-in <c>dotnet</c>
/// on PATH that records every call: after setup's build, the first ./svqvideo call does not build again.
/// </summary>
public sealed class BuildScriptTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("svq-build-script-");

    public void Dispose() => _root.Delete(true);

    [Fact]
    public void OneBuildIsEnoughUntilASourceChanges()
    {
        Lay();

        Assert.Equal(1, Bash("scripts/build.sh --check").ExitCode);
        Assert.Equal(0, Bash("scripts/build.sh").ExitCode);           // what scripts/setup.sh runs
        Assert.Equal(0, Bash("scripts/build.sh --check").ExitCode);
        var first = Bash("./svqvideo plugins");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.DoesNotContain("building", first.Stderr, StringComparison.Ordinal);
        Assert.Equal(["build", "run plugins"], Calls());

        // A changed source is built once, by the next call.
        File.SetLastWriteTimeUtc(Path.Combine(_root.FullName, "sdk", "A.cs"), DateTime.UtcNow.AddSeconds(5));
        Assert.Equal(1, Bash("scripts/build.sh --check").ExitCode);
        Assert.Contains("building", Bash("./svqvideo plugins").Stderr, StringComparison.Ordinal);
        Assert.Equal(["build", "run plugins", "build", "run plugins"], Calls());
    }

    [Fact]
    public void AFailedBuildLeavesNoStampSoTheNextCallBuildsAgain()
    {
        Lay(failBuild: true);
        var r = Bash("./svqvideo plugins");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("build failed", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root.FullName, "artifacts", ".build-stamp")));
        Assert.Equal(1, Bash("scripts/build.sh --check").ExitCode);
    }

    /// <summary>The scripts under test, one source file, and a stand-in dotnet that "builds" the CLI dll and the plugin folder.</summary>
    private void Lay(bool failBuild = false)
    {
        string repo = Fixtures.RepositoryRoot;
        Directory.CreateDirectory(Path.Combine(_root.FullName, "scripts"));
        foreach (var script in new[] { "svqvideo", Path.Combine("scripts", "build.sh") })
        {
            File.Copy(Path.Combine(repo, script), Path.Combine(_root.FullName, script));
        }

        foreach (var folder in new[] { "sdk", "plugins", "hosts", "datasets", "fake-bin" })
        {
            Directory.CreateDirectory(Path.Combine(_root.FullName, folder));
        }

        File.WriteAllText(Path.Combine(_root.FullName, "sdk", "A.cs"), "class A { }");
        File.SetLastWriteTimeUtc(Path.Combine(_root.FullName, "sdk", "A.cs"), DateTime.UtcNow.AddMinutes(-5));
        foreach (var file in new[] { "SvqVideo.sln", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(_root.FullName, file), "");
            File.SetLastWriteTimeUtc(Path.Combine(_root.FullName, file), DateTime.UtcNow.AddMinutes(-5));
        }

        string fake = $$"""
            #!/usr/bin/env bash
            root="{{_root.FullName}}"
            if [ "$1" = build ]; then
              echo build >> "$root/calls.log"
              {{(failBuild ? "exit 1" : "")}}
              mkdir -p "$root/hosts/SvqVideo.Cli/bin/Release/net10.0" "$root/artifacts/plugins"
              touch "$root/hosts/SvqVideo.Cli/bin/Release/net10.0/svqvideo.dll"
            else
              shift
              echo "run $*" >> "$root/calls.log"
            fi
            """;
        string dotnet = Path.Combine(_root.FullName, "fake-bin", "dotnet");
        File.WriteAllText(dotnet, fake.Replace("\r", "", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private string[] Calls()
    {
        string log = Path.Combine(_root.FullName, "calls.log");
        return File.Exists(log) ? File.ReadAllLines(log) : [];
    }

    private CliRunner.Result Bash(string command)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _root.FullName };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        psi.Environment["PATH"] = Path.Combine(_root.FullName, "fake-bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return new CliRunner.Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
