using System.Buffers.Binary;
using System.Text.Json;
using static TorchSharp.torch;

namespace SvqVideo.Torch;

/// <summary>
/// Reads and writes the safetensors format (8-byte little-endian header length, JSON header,
/// raw little-endian tensor bytes). Pure data: nothing in a file is ever executed. Tensors are read
/// onto the CPU. Thread-safe (no shared state).
/// </summary>
public static class SafeTensors
{
    private static readonly (string Name, ScalarType Type, int Size)[] DTypes =
    [
        ("F32", ScalarType.Float32, 4), ("F64", ScalarType.Float64, 8), ("F16", ScalarType.Float16, 2),
        ("BF16", ScalarType.BFloat16, 2), ("I64", ScalarType.Int64, 8), ("I32", ScalarType.Int32, 4),
        ("I16", ScalarType.Int16, 2), ("I8", ScalarType.Int8, 1), ("U8", ScalarType.Byte, 1), ("BOOL", ScalarType.Bool, 1),
    ];

    /// <summary>Largest header accepted (guards against reading garbage as a length).</summary>
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>Reads only the <c>__metadata__</c> strings of a file.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var stream = File.OpenRead(path);
        var (header, _) = ReadHeader(stream, path);
        return ParseMetadata(header, path);
    }

    /// <summary>
    /// Reads every tensor (onto the CPU) and the metadata. The caller owns the tensors.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is malformed or truncated, or uses an unsupported dtype (the message names the file).</exception>
    public static (Dictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        using var stream = File.OpenRead(path);
        var (header, dataStart) = ReadHeader(stream, path);
        var metadata = ParseMetadata(header, path);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        long dataLength = stream.Length - dataStart;
        try
        {
            foreach (var prop in header.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    continue;
                }

                var entry = prop.Value;
                string dtype = entry.GetProperty("dtype").GetString() ?? "";
                var info = Array.Find(DTypes, d => d.Name == dtype);
                if (info.Name is null)
                {
                    throw new InvalidDataException($"{path}: tensor '{prop.Name}' has unsupported dtype {dtype}");
                }

                long[] shape = entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                long count = shape.Aggregate(1L, (a, b) => a * b);
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] > dataLength || offsets[1] - offsets[0] != count * info.Size)
                {
                    throw new InvalidDataException($"{path}: tensor '{prop.Name}' has inconsistent offsets (file truncated or corrupt)");
                }

                var t = empty(shape, info.Type);
                if (count > 0)
                {
                    stream.Position = dataStart + offsets[0];
                    ReadExactly(stream, t.bytes, path);
                }

                tensors[prop.Name] = t;
            }
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }

            throw new InvalidDataException($"{path}: malformed safetensors header ({e.Message})", e);
        }
        catch
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }

            throw;
        }
        finally
        {
            header.Dispose();
        }

        return (tensors, metadata);
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> (any device; copied to CPU) and <paramref name="metadata"/>
    /// to <paramref name="path"/> atomically: a temporary file in the same folder, then a rename.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        AtomicFile.Write(path, stream => WriteTo(stream, tensors, metadata));
    }

    /// <summary>Writes the safetensors bytes to <paramref name="stream"/>.</summary>
    public static void WriteTo(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        var entries = new List<(string Name, Tensor Cpu, string DType, long Begin, long End)>();
        try
        {
            long offset = 0;
            foreach (var (name, tensor) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                var info = Array.Find(DTypes, d => d.Type == tensor.dtype);
                if (info.Name is null)
                {
                    throw new ArgumentException($"tensor '{name}' has unsupported dtype {tensor.dtype}");
                }

                var cpu = tensor.detach().cpu().contiguous();
                long bytes = cpu.numel() * info.Size;
                entries.Add((name, cpu, info.Name, offset, offset + bytes));
                offset += bytes;
            }

            using var headerStream = new MemoryStream();
            using (var w = new Utf8JsonWriter(headerStream))
            {
                w.WriteStartObject();
                if (metadata is { Count: > 0 })
                {
                    w.WriteStartObject("__metadata__");
                    foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    {
                        w.WriteString(k, v);
                    }

                    w.WriteEndObject();
                }

                foreach (var e in entries)
                {
                    w.WriteStartObject(e.Name);
                    w.WriteString("dtype", e.DType);
                    w.WriteStartArray("shape");
                    foreach (var d in e.Cpu.shape)
                    {
                        w.WriteNumberValue(d);
                    }

                    w.WriteEndArray();
                    w.WriteStartArray("data_offsets");
                    w.WriteNumberValue(e.Begin);
                    w.WriteNumberValue(e.End);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            // Pad the header with spaces so the data section starts 8-byte aligned.
            int pad = (int)((8 - (headerStream.Length % 8)) % 8);
            for (int i = 0; i < pad; i++)
            {
                headerStream.WriteByte((byte)' ');
            }

            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(len, headerStream.Length);
            stream.Write(len);
            headerStream.Position = 0;
            headerStream.CopyTo(stream);
            foreach (var e in entries)
            {
                if (e.End > e.Begin)
                {
                    stream.Write(e.Cpu.bytes);
                }
            }
        }
        finally
        {
            foreach (var e in entries)
            {
                e.Cpu.Dispose();
            }
        }
    }

    private static (JsonDocument Header, long DataStart) ReadHeader(Stream stream, string path)
    {
        Span<byte> len = stackalloc byte[8];
        if (stream.ReadAtLeast(len, 8, throwOnEndOfStream: false) != 8)
        {
            throw new InvalidDataException($"{path}: not a safetensors file (too short)");
        }

        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(len);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || headerLength > stream.Length - 8)
        {
            throw new InvalidDataException($"{path}: not a safetensors file (bad header length)");
        }

        var buffer = new byte[headerLength];
        ReadExactly(stream, buffer, path);
        try
        {
            var doc = JsonDocument.Parse(buffer);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw new InvalidDataException($"{path}: not a safetensors file (header is not a JSON object)");
            }

            return (doc, 8 + headerLength);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a safetensors file (header is not JSON: {e.Message})", e);
        }
    }

    private static Dictionary<string, string> ParseMetadata(JsonDocument header, string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (header.RootElement.TryGetProperty("__metadata__", out var meta))
        {
            if (meta.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: __metadata__ is not an object");
            }

            foreach (var p in meta.EnumerateObject())
            {
                result[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }
        }

        return result;
    }

    private static void ReadExactly(Stream stream, Span<byte> target, string path)
    {
        if (stream.ReadAtLeast(target, target.Length, throwOnEndOfStream: false) != target.Length)
        {
            throw new InvalidDataException($"{path}: file is truncated");
        }
    }
}
