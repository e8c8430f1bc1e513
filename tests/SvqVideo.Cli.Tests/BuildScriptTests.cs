using SvqVideo.Testing;

namespace SvqVideo.Cli.Tests;

/// <summary>
/// scripts/build.sh and ./svqvideo in a scratch copy of the repository's layout, with a stand-in <c>dotnet</c>
/// on PATH that records every call: after setup's build, the first ./svqvideo call does not build again.
/// </summary>
public sealed class BuildScriptTests : IDisposable
{
    private readonly TempFolder _root = new("svq-build-script-");

    public void Dispose() => _root.Dispose();

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
        File.SetLastWriteTimeUtc(_root.Combine("sdk", "A.cs"), DateTime.UtcNow.AddSeconds(5));
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
        Assert.False(File.Exists(_root.Combine("artifacts", ".build-stamp")));
        Assert.Equal(1, Bash("scripts/build.sh --check").ExitCode);
    }

    /// <summary>The scripts under test, one source file, and a stand-in dotnet that "builds" the CLI dll and the plugin folder.</summary>
    private void Lay(bool failBuild = false)
    {
        string repo = Fixtures.RepositoryRoot;
        Directory.CreateDirectory(_root.Combine("scripts"));
        foreach (var script in new[] { "svqvideo", Path.Combine("scripts", "build.sh") })
        {
            File.Copy(Path.Combine(repo, script), _root.Combine(script));
        }

        foreach (var folder in new[] { "sdk", "plugins", "hosts", "datasets", "fake-bin" })
        {
            Directory.CreateDirectory(_root.Combine(folder));
        }

        File.WriteAllText(_root.Combine("sdk", "A.cs"), "class A { }");
        File.SetLastWriteTimeUtc(_root.Combine("sdk", "A.cs"), DateTime.UtcNow.AddMinutes(-5));
        foreach (var file in new[] { "SvqVideo.sln", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(_root.Combine(file), "");
            File.SetLastWriteTimeUtc(_root.Combine(file), DateTime.UtcNow.AddMinutes(-5));
        }

        string fake = $$"""
            #!/usr/bin/env bash
            root="{{_root.Path}}"
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
        string dotnet = _root.Combine("fake-bin", "dotnet");
        File.WriteAllText(dotnet, fake.Replace("\r", "", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private string[] Calls()
    {
        string log = _root.Combine("calls.log");
        return File.Exists(log) ? File.ReadAllLines(log) : [];
    }

    private ProcessRunner.Result Bash(string command) =>
        ProcessRunner.Run("bash", ["-c", command], TimeSpan.FromMinutes(5), new Dictionary<string, string>
        {
            ["PATH"] = _root.Combine("fake-bin") + ":" + Environment.GetEnvironmentVariable("PATH"),
        }, _root.Path);
}
