using System.Text.Json;
using SvqVideo.Torch;
using Xunit;

namespace SvqVideo.Testing;

/// <summary>
/// Finds the golden fixtures: the folder named by <c>SVQ_FIXTURES_DIR</c> when set, else the
/// repository's copy in <c>tests/fixtures</c>, with its subfolders (<c>tests/fixtures/generated</c>).
/// Discovery is by each file's <c>kind</c> metadata, so new files of a known kind need no code change.
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

    /// <summary>Paths of every fixture in <see cref="Directory"/> or below whose kind satisfies <paramref name="kindFilter"/>, sorted by path.</summary>
    public static IReadOnlyList<string> Find(Func<string, bool> kindFilter)
    {
        var dir = Directory;
        if (!System.IO.Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"fixture folder does not exist: {dir} (set {EnvironmentVariable})");
        }

        return System.IO.Directory.EnumerateFiles(dir, "*.safetensors", SearchOption.AllDirectories)
            .Where(p => KindOf(p) is { } k && kindFilter(k))
            .OrderBy(p => RelativePath(p), StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The name a test row uses for a fixture: its path relative to <see cref="Directory"/> with '/' separators
    /// (<c>simvp_encoder.safetensors</c>, <c>generated/….safetensors</c>); <see cref="Load"/> accepts it.
    /// </summary>
    public static string RelativePath(string path) => Path.GetRelativePath(Directory, path).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>xunit MemberData rows (<see cref="RelativePath"/>, for readable test names) for kinds matching the filter.</summary>
    public static TheoryData<string> Names(Func<string, bool> kindFilter)
    {
        var data = new TheoryData<string>();
        foreach (var p in Find(kindFilter))
        {
            data.Add(RelativePath(p));
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
                rows.Add(RelativePath(p), device);
            }
        }

        return rows;
    }

    /// <summary>Loads a fixture by its <see cref="RelativePath"/> (a plain file name for the top folder) from <see cref="Directory"/>.</summary>
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
