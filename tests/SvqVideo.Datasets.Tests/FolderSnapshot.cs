namespace SvqVideo.Datasets.Tests;

/// <summary>Every file under a folder with its size and modification time, to prove a folder was left untouched.</summary>
internal static class FolderSnapshot
{
    public static string[] Take(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(folder, f)}|{new FileInfo(f).Length}|{File.GetLastWriteTimeUtc(f).Ticks}")];
}
