using System.Buffers.Binary;
using System.Text;
using static TorchSharp.torch;

namespace SvqVideo.Metrics.Tests;

/// <summary>
/// Test-only writer of the legacy (pre-1.6) torch.save layout, laid out the way torch's
/// <c>_legacy_save</c> does with pickle protocol 2: magic number, protocol version, system info, the
/// state dict (an OrderedDict whose tensors are <c>_rebuild_tensor_v2</c> reductions pointing at
/// storages by persistent id, plus a <c>_metadata</c> BUILD), the sorted storage keys, then each
/// storage as an int64 element count and raw float32 data in key-list order.
/// </summary>
internal static class LegacyTorchFileWriter
{
    /// <summary>One state-dict entry: a view (offset, size, stride) into a named float32 storage.</summary>
    public sealed record Entry(string Name, string StorageKey, long Offset, long[] Size, long[] Stride);

    /// <summary>Writes each tensor (contiguous float32) into its own storage; storage keys sort differently from the dict order.</summary>
    public static void Write(string path, IReadOnlyList<KeyValuePair<string, Tensor>> tensors, string location = "cuda:0")
    {
        var storages = new Dictionary<string, float[]>();
        var entries = new List<Entry>();
        for (int i = 0; i < tensors.Count; i++)
        {
            var (name, t) = tensors[i];
            // Keys like torch's (decimal ids); reversed so the key list order differs from the dict order.
            string key = (94_000_000 + ((tensors.Count - i) * 7919)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var c = t.detach().cpu().contiguous().to(ScalarType.Float32);
            storages[key] = c.data<float>().ToArray();
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

    public static void Write(Stream stream, IReadOnlyList<Entry> entries, IReadOnlyDictionary<string, float[]> storages, string location = "cuda:0")
    {
        WriteHeader(stream);
        var p = new PickleBytes();

        // 4. the state dict.
        p.Proto();
        int orderedDict = p.Global("collections", "OrderedDict");
        p.Raw(')');
        p.Raw('R');
        p.Put();
        p.Raw('(');
        int rebuild = -1;
        int floatStorage = -1;
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
                p.Raw('(');
                p.Str("storage");
                floatStorage = floatStorage < 0 ? p.Global("torch", "FloatStorage") : p.Get(floatStorage);
                p.Str(e.StorageKey);
                p.Str(location);
                p.Int(storages[e.StorageKey].Length);
                p.Raw('N');
                p.Raw('t');
                p.Put();
                p.Raw('Q');
                storageMemo[e.StorageKey] = p.Put();
            }

            p.Int(e.Offset);
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
        p.Int(1);
        p.Raw('s');
        p.Raw('s');
        p.Raw('s');
        p.Raw('b');
        p.Stop();

        // 5. the storage keys, sorted (as torch does), then the raw storages in that order.
        var keys = storages.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        p.Proto();
        p.Raw(']');
        p.Put();
        p.Raw('(');
        foreach (var k in keys)
        {
            p.Str(k);
        }

        p.Raw('e');
        p.Stop();
        stream.Write(p.ToArray());

        Span<byte> count = stackalloc byte[8];
        Span<byte> value = stackalloc byte[4];
        foreach (var k in keys)
        {
            BinaryPrimitives.WriteInt64LittleEndian(count, storages[k].Length);
            stream.Write(count);
            foreach (float v in storages[k])
            {
                BinaryPrimitives.WriteSingleLittleEndian(value, v);
                stream.Write(value);
            }
        }
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
        p.Int(1001);
        p.Stop();
        // 3. system info (saved on Windows: long is 4 bytes).
        p.Proto();
        p.Raw('}');
        p.Put();
        p.Raw('(');
        p.Str("protocol_version");
        p.Int(1001);
        p.Str("little_endian");
        p.Raw(0x88);
        p.Str("type_sizes");
        p.Raw('}');
        p.Put();
        p.Raw('(');
        p.Str("short");
        p.Int(2);
        p.Str("int");
        p.Int(4);
        p.Str("long");
        p.Int(4);
        p.Raw('u');
        p.Raw('u');
        p.Stop();
        stream.Write(p.ToArray());
    }

    /// <summary>Emits protocol-2 opcodes; each pickle has its own memo, as separate pickle.dump calls do.</summary>
    internal sealed class PickleBytes
    {
        private readonly MemoryStream _out = new();
        private int _memo;

        public void Proto()
        {
            _memo = 0;
            Raw(0x80, 2);
        }

        public void Stop() => Raw('.');

        public void Raw(params int[] bytes)
        {
            foreach (var b in bytes)
            {
                _out.WriteByte((byte)b);
            }
        }

        public void Raw(char op) => _out.WriteByte((byte)op);

        public void Str(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            Raw('X');
            Span<byte> len = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(len, bytes.Length);
            _out.Write(len);
            _out.Write(bytes);
            Put();
        }

        public void Int(long v)
        {
            if (v is >= 0 and < 256)
            {
                Raw('K', (int)v);
            }
            else if (v is >= 0 and < 65536)
            {
                Raw('M', (int)(v & 0xff), (int)(v >> 8));
            }
            else
            {
                Raw('J');
                Span<byte> b = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(b, checked((int)v));
                _out.Write(b);
            }
        }

        public void Tuple(long[] values)
        {
            if (values.Length is 0)
            {
                Raw(')');
                return;
            }

            if (values.Length > 3)
            {
                Raw('(');
            }

            foreach (var v in values)
            {
                Int(v);
            }

            Raw(values.Length switch { 1 => 0x85, 2 => 0x86, 3 => 0x87, _ => 't' });
            Put();
        }

        public int Global(string module, string name)
        {
            Raw('c');
            _out.Write(Encoding.ASCII.GetBytes(module + "\n" + name + "\n"));
            return Put();
        }

        public int Put()
        {
            Memo(_memo < 256 ? 'q' : 'r', _memo);
            return _memo++;
        }

        public int Get(int memo)
        {
            Memo(memo < 256 ? 'h' : 'j', memo);
            return memo;
        }

        private void Memo(char op, int index)
        {
            Raw(op);
            if (index < 256)
            {
                Raw(index);
            }
            else
            {
                Span<byte> b = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(b, index);
                _out.Write(b);
            }
        }

        public byte[] ToArray() => _out.ToArray();
    }
}
