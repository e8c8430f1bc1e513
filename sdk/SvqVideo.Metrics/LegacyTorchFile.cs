using System.Buffers.Binary;
using System.Numerics;
using static TorchSharp.torch;

namespace SvqVideo.Metrics;

/// <summary>
/// Reads a state dict saved by <c>torch.save</c> in the legacy (pre-1.6, non-zip) format, such as the
/// lpips package's <c>weights/v0.1/alex.pth</c>, which TorchSharp.PyBridge refuses. The format is five
/// pickles — magic number, protocol version (1001), system info, the object (tensors point to storages
/// by persistent id), the list of storage keys — followed, for each key in that list's order, by an
/// int64 element count and the storage's raw little-endian bytes.
/// <para>
/// Only a (possibly ordered) dict from string keys to tensors is accepted. The pickles are parsed as
/// data by a restricted reader: nothing is imported or executed, and any construct a state dict of
/// tensors does not need is rejected. Tensors are returned on the CPU, contiguous, with
/// <c>requires_grad</c> false; the caller owns them. Thread-safe (no shared state).
/// </para>
/// </summary>
public static class LegacyTorchFile
{
    private static readonly BigInteger MagicNumber = BigInteger.Parse("1950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);
    private const long ProtocolVersion = 1001;

    /// <summary>True when the file starts like a legacy torch.save file (a pickle, not a zip archive).</summary>
    public static bool IsLegacyFormat(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[2];
        return stream.ReadAtLeast(head, 2, throwOnEndOfStream: false) == 2 && head[0] == 0x80 && head[1] <= 5;
    }

    /// <summary>Reads the state dict in the file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a legacy torch.save state dict, is truncated, or uses something this reader refuses (the message says what).</exception>
    public static Dictionary<string, Tensor> ReadStateDict(string path)
    {
        using var stream = File.OpenRead(path);
        return ReadStateDict(stream, path);
    }

    /// <summary>Reads a state dict from a seekable <paramref name="stream"/>; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InvalidDataException">See <see cref="ReadStateDict(string)"/>.</exception>
    public static Dictionary<string, Tensor> ReadStateDict(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> head = stackalloc byte[4];
        long start = stream.Position;
        if (stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)
        {
            throw new InvalidDataException($"{source}: this is a zip-format torch.save file, not a legacy one; read it with TorchSharp.PyBridge (LpipsWeights does so automatically)");
        }

        stream.Position = start;
        var storages = new Dictionary<string, StorageReference>(StringComparer.Ordinal);
        var noPersistentIds = new PickleReader(stream, source, _ => throw new InvalidDataException($"{source}: unexpected persistent id in a header pickle"));
        var magic = noPersistentIds.Load();
        if (!(magic is BigInteger m && m == MagicNumber))
        {
            throw new InvalidDataException($"{source}: not a legacy torch.save file (wrong magic number)");
        }

        if (noPersistentIds.Load() is not long protocol || protocol != ProtocolVersion)
        {
            throw new InvalidDataException($"{source}: unsupported legacy torch.save protocol version (expected {ProtocolVersion})");
        }

        if (noPersistentIds.Load() is PickleReader.PickleDict sysInfo
            && sysInfo.Items.Any(kv => kv.Key as string == "little_endian" && kv.Value is false))
        {
            throw new InvalidDataException($"{source}: saved on a big-endian machine; re-save it on a little-endian one");
        }

        var objectReader = new PickleReader(stream, source, pid => Storage(pid, storages, source));
        var root = objectReader.Load();
        if (noPersistentIds.Load() is not List<object?> keys || keys.Any(k => k is not string))
        {
            throw new InvalidDataException($"{source}: the storage key list is missing or malformed");
        }

        var data = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (string key in keys.Cast<string>())
            {
                if (!storages.TryGetValue(key, out var storage))
                {
                    throw new InvalidDataException($"{source}: storage '{key}' is listed but no tensor uses it");
                }

                data[key] = ReadStorage(stream, storage, source);
            }

            return BuildStateDict(root, storages, data, source);
        }
        finally
        {
            foreach (var t in data.Values)
            {
                t.Dispose();
            }
        }
    }

    private sealed record StorageReference(string Key, ScalarType DType, int ElementSize);

    private sealed record PendingTensor(StorageReference Storage, long Offset, long[] Size, long[] Stride);

    private static StorageReference Storage(object? pid, Dictionary<string, StorageReference> storages, string source)
    {
        // ('storage', storage_type, key, location, numel, view_metadata)
        if (pid is not object?[] { Length: >= 5 } t || t[0] as string != "storage" || t[1] is not PickleReader.PickleGlobal type || t[2] is not string key)
        {
            throw new InvalidDataException($"{source}: unexpected persistent id (not a torch storage reference)");
        }

        if (t.Length > 5 && t[5] is not null)
        {
            throw new InvalidDataException($"{source}: storage '{key}' is a view of another storage (very old torch format); re-save the file");
        }

        var (dtype, size) = type.Name switch
        {
            "FloatStorage" => (ScalarType.Float32, 4),
            "DoubleStorage" => (ScalarType.Float64, 8),
            "HalfStorage" => (ScalarType.Float16, 2),
            "BFloat16Storage" => (ScalarType.BFloat16, 2),
            "LongStorage" => (ScalarType.Int64, 8),
            "IntStorage" => (ScalarType.Int32, 4),
            "ShortStorage" => (ScalarType.Int16, 2),
            "CharStorage" => (ScalarType.Int8, 1),
            "ByteStorage" => (ScalarType.Byte, 1),
            "BoolStorage" => (ScalarType.Bool, 1),
            _ => throw new InvalidDataException($"{source}: unsupported storage type {type.FullName}"),
        };

        if (storages.TryGetValue(key, out var known))
        {
            return known.DType == dtype ? known : throw new InvalidDataException($"{source}: storage '{key}' is used with two dtypes");
        }

        return storages[key] = new StorageReference(key, dtype, size);
    }

    private static Tensor ReadStorage(Stream stream, StorageReference storage, string source)
    {
        Span<byte> countBytes = stackalloc byte[8];
        if (stream.ReadAtLeast(countBytes, 8, throwOnEndOfStream: false) != 8)
        {
            throw new InvalidDataException($"{source}: file ends before storage '{storage.Key}' (truncated)");
        }

        long count = BinaryPrimitives.ReadInt64LittleEndian(countBytes);
        if (count < 0 || count > (stream.Length - stream.Position) / storage.ElementSize)
        {
            throw new InvalidDataException($"{source}: storage '{storage.Key}' claims {count} elements, more than the file holds (truncated or corrupt)");
        }

        var t = empty([count], storage.DType);
        if (count > 0 && stream.ReadAtLeast(t.bytes, (int)(count * storage.ElementSize), throwOnEndOfStream: false) != count * storage.ElementSize)
        {
            t.Dispose();
            throw new InvalidDataException($"{source}: storage '{storage.Key}' is truncated");
        }

        return t;
    }

    private static Dictionary<string, Tensor> BuildStateDict(object? root, Dictionary<string, StorageReference> storages, Dictionary<string, Tensor> data, string source)
    {
        if (root is not PickleReader.PickleDict dict)
        {
            throw new InvalidDataException($"{source}: the saved object is not a state dict (a dict of tensors); save model.state_dict(), not the model");
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (k, v) in dict.Items)
            {
                if (k is not string key)
                {
                    throw new InvalidDataException($"{source}: state dict has a non-string key");
                }

                var pending = AsPendingTensor(v, source) ?? throw new InvalidDataException($"{source}: entry '{key}' is not a tensor (only dicts of tensors are read)");
                result[key] = Materialise(pending, data[pending.Storage.Key], source, key);
            }
        }
        catch
        {
            foreach (var t in result.Values)
            {
                t.Dispose();
            }

            throw;
        }

        return result;
    }

    private static PendingTensor? AsPendingTensor(object? value, string source)
    {
        if (value is not PickleReader.PickleCall call)
        {
            return null;
        }

        var a = call.Arguments;
        switch (call.Function.FullName)
        {
            case "torch._utils._rebuild_tensor_v2" or "torch._utils._rebuild_tensor" when a.Length >= 4 && a[0] is StorageReference storage:
                return new PendingTensor(storage, ToLong(a[1], source), ToLongs(a[2], source), ToLongs(a[3], source));
            case "torch._utils._rebuild_parameter" when a.Length >= 1:
                return AsPendingTensor(a[0], source);
            default:
                throw new InvalidDataException($"{source}: unexpected call to {call.Function.FullName} with {a.Length} arguments");
        }
    }

    private static Tensor Materialise(PendingTensor p, Tensor storage, string source, string key)
    {
        long extent = p.Offset;
        for (int i = 0; i < p.Size.Length; i++)
        {
            if (p.Size[i] < 0 || p.Stride[i] < 0)
            {
                throw new InvalidDataException($"{source}: tensor '{key}' has a negative size or stride");
            }

            extent += p.Size[i] == 0 ? 0 : (p.Size[i] - 1) * p.Stride[i];
        }

        if (p.Size.Length != p.Stride.Length || (p.Size.All(s => s > 0) && extent >= storage.shape[0]) || p.Offset < 0)
        {
            throw new InvalidDataException($"{source}: tensor '{key}' does not fit in its storage");
        }

        using var scope = NewDisposeScope();
        return scope.MoveToOuter(storage.as_strided(p.Size, p.Stride, p.Offset).contiguous().clone());
    }

    private static long ToLong(object? value, string source) =>
        value as long? ?? throw new InvalidDataException($"{source}: expected an integer in a tensor record");

    private static long[] ToLongs(object? value, string source) =>
        value is object?[] items ? items.Select(i => ToLong(i, source)).ToArray() : throw new InvalidDataException($"{source}: expected a tuple of integers in a tensor record");
}
