using System.Buffers.Binary;
using static TorchSharp.torch;

namespace SvqVideo.Testing.PyTorch;

/// <summary>
/// Test-only writer of the legacy (pre-1.6) torch.save layout, laid out the way torch's <c>_legacy_save</c> does
/// with pickle protocol 2: magic number, protocol version, system info, the state dict (an OrderedDict whose
/// tensors are <c>_rebuild_tensor_v2</c> reductions pointing at storages by persistent id, plus a
/// <c>_metadata</c> BUILD), the sorted storage keys, then each storage as an int64 element count and its raw
/// little-endian data in key-list order.
/// </summary>
public static class LegacyTorchFileWriter
{
    private static readonly Dictionary<ScalarType, string> StorageTypes = new()
    {
        [ScalarType.Float32] = "FloatStorage",
        [ScalarType.Float64] = "DoubleStorage",
        [ScalarType.Float16] = "HalfStorage",
        [ScalarType.BFloat16] = "BFloat16Storage",
        [ScalarType.Int64] = "LongStorage",
        [ScalarType.Int32] = "IntStorage",
        [ScalarType.Bool] = "BoolStorage",
        [ScalarType.Byte] = "ByteStorage",
    };

    /// <summary>One state-dict entry: a view (offset, size, stride) into a named storage.</summary>
    public sealed record Entry(string Name, string StorageKey, long Offset, long[] Size, long[] Stride);

    /// <summary>A storage: torch's storage class name (<c>FloatStorage</c>, <c>LongStorage</c>, …), its element count and raw bytes.</summary>
    public sealed record Storage(string TypeName, long Count, byte[] Bytes)
    {
        /// <summary>A float32 storage.</summary>
        public static Storage Of(float[] values)
        {
            var bytes = new byte[values.Length * 4];
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
            }

            return new Storage("FloatStorage", values.Length, bytes);
        }

        /// <summary>The storage of <paramref name="tensor"/> (contiguous, on the CPU) in its own dtype.</summary>
        public static Storage Of(Tensor tensor)
        {
            using var c = tensor.detach().cpu().contiguous();
            var type = StorageTypes.TryGetValue(c.dtype, out var name) ? name : throw new NotSupportedException($"no legacy storage type for {c.dtype}");
            return new Storage(type, c.numel(), c.bytes.ToArray());
        }
    }

    /// <summary>Writes each tensor into its own storage of its dtype; storage keys sort differently from the dict order.</summary>
    public static void Write(string path, IReadOnlyList<KeyValuePair<string, Tensor>> tensors, string location = "cuda:0")
    {
        var storages = new Dictionary<string, Storage>();
        var entries = new List<Entry>();
        for (int i = 0; i < tensors.Count; i++)
        {
            var (name, t) = tensors[i];
            // Keys like torch's (decimal ids); reversed so the key list order differs from the dict order.
            string key = (94_000_000 + ((tensors.Count - i) * 7919)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            storages[key] = Storage.Of(t);
            var stride = new long[t.shape.Length];
            long s = 1;
            for (int d = t.shape.Length - 1; d >= 0; d--)
            {
                stride[d] = s;
                s *= t.shape[d];
            }

            entries.Add(new Entry(name, key, 0, t.shape, stride));
        }

        using var file = File.Create(path);
        Write(file, entries, storages, location);
    }

    /// <summary>Writes float32 storages, viewed by <paramref name="entries"/>.</summary>
    public static void Write(Stream stream, IReadOnlyList<Entry> entries, IReadOnlyDictionary<string, float[]> storages, string location = "cuda:0") =>
        Write(stream, entries, storages.ToDictionary(kv => kv.Key, kv => Storage.Of(kv.Value)), location);

    /// <summary>Writes <paramref name="storages"/>, viewed by <paramref name="entries"/>.</summary>
    public static void Write(Stream stream, IReadOnlyList<Entry> entries, IReadOnlyDictionary<string, Storage> storages, string location = "cuda:0")
    {
        WriteHeader(stream);
        stream.Write(StateDictPickle(entries, storages, location));
        var keys = storages.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        stream.Write(KeyListPickle(keys));
        Span<byte> count = stackalloc byte[8];
        foreach (var k in keys)
        {
            BinaryPrimitives.WriteInt64LittleEndian(count, storages[k].Count);
            stream.Write(count);
            stream.Write(storages[k].Bytes);
        }
    }

    /// <summary>A legacy file whose saved object is <paramref name="objectPickle"/> and which holds no storages (for refusal tests).</summary>
    public static void WriteObject(string path, byte[] objectPickle)
    {
        using var file = File.Create(path);
        WriteHeader(file);
        file.Write(objectPickle);
        file.Write(KeyListPickle([]));
    }

    /// <summary>The three header pickles: magic number, protocol version, system info.</summary>
    public static void WriteHeader(Stream stream)
    {
        var p = new PickleBytes();
        // 1. magic number 0x1950a86a20f9469cfc6c as LONG1 (little-endian two's complement, 10 bytes).
        p.Proto();
        p.Raw(0x8a, 10);
        p.Raw(0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19);
        p.Stop();
        // 2. protocol version 1001.
        p.Proto();
        p.BinInt(1001);
        p.Stop();
        // 3. system info (saved on Windows: long is 4 bytes).
        p.Proto();
        p.Raw('}');
        p.Put();
        p.Raw('(');
        p.Str("protocol_version");
        p.BinInt(1001);
        p.Str("little_endian");
        p.Raw(0x88);
        p.Str("type_sizes");
        p.Raw('}');
        p.Put();
        p.Raw('(');
        p.Str("short");
        p.BinInt(2);
        p.Str("int");
        p.BinInt(4);
        p.Str("long");
        p.BinInt(4);
        p.Raw('u');
        p.Raw('u');
        p.Stop();
        stream.Write(p.ToArray());
    }

    /// <summary>4. the state dict: an OrderedDict of <c>_rebuild_tensor_v2</c> records, then its <c>_metadata</c> BUILD.</summary>
    private static byte[] StateDictPickle(IReadOnlyList<Entry> entries, IReadOnlyDictionary<string, Storage> storages, string location)
    {
        var p = new PickleBytes();
        p.Proto();
        int orderedDict = p.Global("collections", "OrderedDict");
        p.Raw(')');
        p.Raw('R');
        p.Put();
        p.Raw('(');
        int rebuild = -1;
        var storageTypes = new Dictionary<string, int>();
        var storageMemo = new Dictionary<string, int>();
        foreach (var e in entries)
        {
            p.Str(e.Name);
            rebuild = rebuild < 0 ? p.Global("torch._utils", "_rebuild_tensor_v2") : p.Get(rebuild);
            p.Raw('(');
            if (storageMemo.TryGetValue(e.StorageKey, out int memo))
            {
                p.Get(memo);
            }
            else
            {
                var storage = storages[e.StorageKey];
                p.Raw('(');
                p.Str("storage");
                storageTypes[storage.TypeName] = storageTypes.TryGetValue(storage.TypeName, out int type) ? p.Get(type) : p.Global("torch", storage.TypeName);
                p.Str(e.StorageKey);
                p.Str(location);
                p.BinInt(storage.Count);
                p.Raw('N');
                p.Raw('t');
                p.Put();
                p.Raw('Q');
                storageMemo[e.StorageKey] = p.Put();
            }

            p.BinInt(e.Offset);
            p.Tuple(e.Size);
            p.Tuple(e.Stride);
            p.Raw(0x89);
            p.Get(orderedDict);
            p.Raw(')');
            p.Raw('R');
            p.Put();
            p.Raw('t');
            p.Put();
            p.Raw('R');
            p.Put();
        }

        p.Raw('u');
        // The state dict's _metadata attribute, restored by BUILD.
        p.Raw('}');
        p.Str("_metadata");
        p.Get(orderedDict);
        p.Raw(')');
        p.Raw('R');
        p.Put();
        p.Str("");
        p.Raw('}');
        p.Str("version");
        p.BinInt(1);
        p.Raw('s');
        p.Raw('s');
        p.Raw('s');
        p.Raw('b');
        p.Stop();
        return p.ToArray();
    }

    /// <summary>5. the storage keys, sorted as torch does.</summary>
    private static byte[] KeyListPickle(IReadOnlyList<string> keys)
    {
        var p = new PickleBytes();
        p.Proto();
        p.Raw(']');
        p.Put();
        if (keys.Count > 0)
        {
            p.Raw('(');
            foreach (var k in keys)
            {
                p.Str(k);
            }

            p.Raw('e');
        }

        p.Stop();
        return p.ToArray();
    }
}
