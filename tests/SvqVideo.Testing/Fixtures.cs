using System.Text.Json;
using SvqVideo.Torch;
using Xunit;

namespace SvqVideo.Testing;

/// <summary>
/// Finds the golden fixtures: the folder named by <c>SVQ_FIXTURES_DIR</c> when set, else the
/// repository's copy in <c>tests/fixtures</c>. Discovery is by each file's <c>kind</c> metadata, so
/// new files of a known kind need no code change.
/// </summary>
public static class Fixtures
{
    /// <summary>The environment variable that overrides the fixture folder.</summary>
    public const string EnvironmentVariable = "SVQ_FIXTURES_DIR";

    /// <summary>The fixture folder in use.</summary>
    public static string Directory
    {
        get
        {
            var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(env))
            {
                return Path.GetFullPath(env);
            }

            return Path.Combine(RepositoryRoot, "tests", "fixtures");
        }
    }

    /// <summary>The repository root (the folder holding SvqVideo.sln), found from the test binary's location.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SvqVideo.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (SvqVideo.sln) above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Paths of every fixture whose kind satisfies <paramref name="kindFilter"/>, sorted by name.</summary>
    public static IReadOnlyList<string> Find(Func<string, bool> kindFilter)
    {
        var dir = Directory;
        if (!System.IO.Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"fixture folder does not exist: {dir} (set {EnvironmentVariable})");
        }

        return System.IO.Directory.EnumerateFiles(dir, "*.safetensors")
            .Where(p => KindOf(p) is { } k && kindFilter(k))
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>xunit MemberData rows (file name only, for readable test names) for kinds matching the filter.</summary>
    public static TheoryData<string> Names(Func<string, bool> kindFilter)
    {
        var data = new TheoryData<string>();
        foreach (var p in Find(kindFilter))
        {
            data.Add(Path.GetFileName(p));
        }

        return data;
    }

    /// <summary>
    /// xunit MemberData rows (file name, device name) for kinds matching the filter, each fixture on every device of
    /// <see cref="TestDevices.Names"/>; a test resolves its row with <see cref="TestDevices.Require"/>.
    /// </summary>
    public static TheoryData<string, string> OnDevices(Func<string, bool> kindFilter)
    {
        var rows = new TheoryData<string, string>();
        foreach (var p in Find(kindFilter))
        {
            foreach (var device in TestDevices.Names)
            {
                rows.Add(Path.GetFileName(p), device);
            }
        }

        return rows;
    }

    /// <summary>Loads a fixture by file name from <see cref="Directory"/>.</summary>
    public static GoldenFixture Load(string fileName) => GoldenFixture.Load(Path.Combine(Directory, fileName));

    /// <summary>The kind metadata of a file, or null when it is not a golden fixture.</summary>
    public static string? KindOf(string path)
    {
        try
        {
            var meta = SafeTensors.ReadMetadata(path);
            return meta.TryGetValue("format", out var f) && f == "svqvideo-golden-v1" && meta.TryGetValue("kind", out var k) ? k : null;
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or IOException)
        {
            return null;
        }
    }
}
