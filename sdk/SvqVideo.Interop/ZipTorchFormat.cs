using System.IO.Compression;
using System.Text;

namespace SvqVideo.Interop;

/// <summary>
/// Parses PyTorch's zip <c>torch.save</c> layout (PyTorch 1.6 and later): one top folder holding
/// <c>data.pkl</c> (the saved object; tensors point to storages by persistent id), <c>data/&lt;key&gt;</c> (each
/// storage's raw bytes) and, in newer files, <c>byteorder</c>. The pickle goes through the restricted
/// <see cref="PickleReader"/>; storages are read after it, only those it refers to.
/// </summary>
internal static class ZipTorchFormat
{
    /// <summary>True when <paramref name="head"/> starts like a zip archive.</summary>
    public static bool LooksLikeIt(ReadOnlySpan<byte> head) => head.Length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;

    /// <summary>Reads the saved object from the zip archive in <paramref name="stream"/>, with its tensor records turned into tensors owned by <paramref name="storages"/>.</summary>
    /// <exception cref="InvalidDataException">Not a torch.save archive, truncated, big-endian, or something the restricted reader refuses.</exception>
    public static object? Read(Stream stream, string source, TorchStorages storages)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source}: not a readable zip archive ({e.Message})", e);
        }

        using (zip)
        {
            var pickles = zip.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1).ToList();
            if (pickles.Count != 1)
            {
                throw new InvalidDataException($"{source}: a zip archive but not a torch.save file (expected one <name>/data.pkl, found {pickles.Count})");
            }

            string prefix = pickles[0].FullName[..^"data.pkl".Length];
            if (zip.GetEntry(prefix + "byteorder") is { } order && ReadText(order).Trim() == "big")
            {
                throw new InvalidDataException($"{source}: saved on a big-endian machine; re-save it on a little-endian one");
            }

            object? root;
            using (var pickle = new MemoryStream(ReadBytes(pickles[0], source)))
            {
                root = new PickleReader(pickle, source, storages.PersistentLoad).Load();
            }

            foreach (var storage in storages.References.ToList())
            {
                var entry = zip.GetEntry($"{prefix}data/{storage.Key}")
                    ?? throw new InvalidDataException($"{source}: storage '{storage.Key}' has no data/{storage.Key} entry (truncated or corrupt)");
                if (entry.Length % storage.ElementSize != 0)
                {
                    throw new InvalidDataException($"{source}: storage '{storage.Key}' holds {entry.Length} bytes, not a whole number of {storage.DType} elements");
                }

                using var data = entry.Open();
                storages.ReadData(storage, data, entry.Length / storage.ElementSize, entry.Length);
            }

            return storages.Materialise(root);
        }
    }

    private static byte[] ReadBytes(ZipArchiveEntry entry, string source)
    {
        using var s = entry.Open();
        var bytes = new byte[entry.Length];
        if (s.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) != bytes.Length)
        {
            throw new InvalidDataException($"{source}: {entry.FullName} is truncated");
        }

        return bytes;
    }

    private static string ReadText(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open(), Encoding.ASCII);
        return reader.ReadToEnd();
    }
}
