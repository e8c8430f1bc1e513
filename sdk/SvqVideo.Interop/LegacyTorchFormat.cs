using System.Buffers.Binary;
using System.Numerics;

namespace SvqVideo.Interop;

/// <summary>
/// Parses the legacy (pre-1.6, non-zip) <c>torch.save</c> layout, such as the lpips package's
/// <c>weights/v0.1/alex.pth</c>: five pickles — magic number, protocol version (1001), system info, the saved
/// object (tensors point to storages by persistent id), the list of storage keys — followed, for each key in that
/// list's order, by an int64 element count and the storage's raw little-endian bytes. Every pickle goes through
/// the restricted <see cref="PickleReader"/>.
/// </summary>
internal static class LegacyTorchFormat
{
    private static readonly BigInteger MagicNumber = BigInteger.Parse("1950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);
    private const long ProtocolVersion = 1001;

    /// <summary>True when <paramref name="head"/> starts like a pickle (PROTO opcode of protocol 2–5).</summary>
    public static bool LooksLikeIt(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5;

    /// <summary>Reads the saved object from <paramref name="stream"/> (seekable), with its tensor records turned into tensors owned by <paramref name="storages"/>.</summary>
    /// <exception cref="InvalidDataException">Not a legacy torch.save file, truncated, or something the restricted reader refuses.</exception>
    public static object? Read(Stream stream, string source, TorchStorages storages)
    {
        var header = new PickleReader(stream, source, _ => throw new InvalidDataException($"{source}: unexpected persistent id in a header pickle"));
        if (!(header.Load() is BigInteger magic && magic == MagicNumber))
        {
            throw new InvalidDataException($"{source}: not a legacy torch.save file (wrong magic number)");
        }

        if (header.Load() is not long protocol || protocol != ProtocolVersion)
        {
            throw new InvalidDataException($"{source}: unsupported legacy torch.save protocol version (expected {ProtocolVersion})");
        }

        if (header.Load() is PickleReader.PickleDict sysInfo && sysInfo.Items.Any(kv => kv.Key as string == "little_endian" && kv.Value is false))
        {
            throw new InvalidDataException($"{source}: saved on a big-endian machine; re-save it on a little-endian one");
        }

        var root = new PickleReader(stream, source, storages.PersistentLoad).Load();
        if (header.Load() is not List<object?> keys || keys.Any(k => k is not string))
        {
            throw new InvalidDataException($"{source}: the storage key list is missing or malformed");
        }

        var references = storages.References.ToDictionary(r => r.Key, StringComparer.Ordinal);
        Span<byte> countBytes = stackalloc byte[8];
        foreach (string key in keys.Cast<string>())
        {
            if (!references.TryGetValue(key, out var storage))
            {
                throw new InvalidDataException($"{source}: storage '{key}' is listed but no tensor uses it");
            }

            if (stream.ReadAtLeast(countBytes, 8, throwOnEndOfStream: false) != 8)
            {
                throw new InvalidDataException($"{source}: file ends before storage '{key}' (truncated)");
            }

            storages.ReadData(storage, stream, BinaryPrimitives.ReadInt64LittleEndian(countBytes), stream.Length - stream.Position);
        }

        return storages.Materialise(root);
    }
}
