using static TorchSharp.torch;

namespace SvqVideo.Interop;

/// <summary>
/// The tensor records of a torch pickle, shared by the zip and the legacy format: storages named by persistent id
/// <c>('storage', storage_type, key, location, numel[, view_metadata])</c>, their raw little-endian data (which
/// the format reader supplies by key), and the <c>torch._utils._rebuild_tensor(_v2)</c> /
/// <c>_rebuild_parameter</c> reductions that view them. <see cref="Materialise"/> turns a parsed object tree into
/// one whose tensor records are tensors (CPU, contiguous, <c>requires_grad</c> false). Not thread-safe; owns the
/// storage data and the tensors it makes until <see cref="Dispose"/> or <see cref="TakeTensors"/>.
/// </summary>
internal sealed class TorchStorages(string source) : IDisposable
{
    private readonly Dictionary<string, StorageReference> _references = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor> _data = new(StringComparer.Ordinal);
    private List<Tensor> _made = [];

    /// <summary>A storage a tensor record points to.</summary>
    internal sealed record StorageReference(string Key, ScalarType DType, int ElementSize);

    private sealed record PendingTensor(StorageReference Storage, long Offset, long[] Size, long[] Stride);

    /// <summary>Every storage the pickle referred to, in first-use order.</summary>
    public IReadOnlyCollection<StorageReference> References => _references.Values;

    /// <summary>The pickle's persistent-load callback: a storage reference for a torch storage id, else a refusal.</summary>
    public object PersistentLoad(object? pid)
    {
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

        if (_references.TryGetValue(key, out var known))
        {
            return known.DType == dtype ? known : throw new InvalidDataException($"{source}: storage '{key}' is used with two dtypes");
        }

        return _references[key] = new StorageReference(key, dtype, size);
    }

    /// <summary>
    /// Reads the data of <paramref name="storage"/>: <paramref name="count"/> elements from <paramref name="stream"/>,
    /// which must hold at least <paramref name="available"/> more bytes.
    /// </summary>
    public void ReadData(StorageReference storage, Stream stream, long count, long available)
    {
        if (_data.ContainsKey(storage.Key))
        {
            throw new InvalidDataException($"{source}: storage '{storage.Key}' appears twice");
        }

        if (count < 0 || count > available / storage.ElementSize)
        {
            throw new InvalidDataException($"{source}: storage '{storage.Key}' claims {count} elements, more than the file holds (truncated or corrupt)");
        }

        var t = empty([count], storage.DType);
        if (count > 0 && stream.ReadAtLeast(t.bytes, (int)(count * storage.ElementSize), throwOnEndOfStream: false) != count * storage.ElementSize)
        {
            t.Dispose();
            throw new InvalidDataException($"{source}: storage '{storage.Key}' is truncated");
        }

        _data[storage.Key] = t;
    }

    /// <summary>
    /// A copy of <paramref name="value"/> in which every tensor record is a tensor, dicts are
    /// <see cref="PickleReader.PickleDict"/>, lists <see cref="List{T}"/> and tuples arrays; other values are kept.
    /// </summary>
    /// <exception cref="InvalidDataException">A reduction other than a tensor record, a storage without data, or a view outside its storage.</exception>
    public object? Materialise(object? value, string where = "")
    {
        switch (value)
        {
            case PickleReader.PickleDict dict:
                var copy = new PickleReader.PickleDict();
                foreach (var (k, v) in dict.Items)
                {
                    copy.Set(k, Materialise(v, $"{where}{(where.Length == 0 ? "" : ".")}{k}"));
                }

                return copy;
            case List<object?> list:
                return list.Select((v, i) => Materialise(v, $"{where}[{i}]")).ToList();
            case object?[] tuple:
                return tuple.Select((v, i) => Materialise(v, $"{where}[{i}]")).ToArray();
            case PickleReader.PickleCall call:
                var pending = AsPendingTensor(call) ?? throw new InvalidDataException($"{source}: entry '{where}' is a {call.Function.FullName} record without tensor data");
                var tensor = MakeTensor(pending, where);
                _made.Add(tensor);
                return tensor;
            case StorageReference storage:
                throw new InvalidDataException($"{source}: entry '{where}' is a bare storage '{storage.Key}', not a tensor");
            default:
                return value;
        }
    }

    /// <summary>Hands the tensors made so far to the caller (they are no longer disposed here).</summary>
    public List<Tensor> TakeTensors()
    {
        var made = _made;
        _made = [];
        return made;
    }

    /// <summary>Disposes the storage data and any tensor not taken.</summary>
    public void Dispose()
    {
        foreach (var t in _data.Values.Concat(_made))
        {
            t.Dispose();
        }

        _data.Clear();
        _made.Clear();
    }

    private PendingTensor? AsPendingTensor(PickleReader.PickleCall call)
    {
        var a = call.Arguments;
        switch (call.Function.FullName)
        {
            case "torch._utils._rebuild_tensor_v2" or "torch._utils._rebuild_tensor" when a.Length >= 4 && a[0] is StorageReference storage:
                return new PendingTensor(storage, ToLong(a[1]), ToLongs(a[2]), ToLongs(a[3]));
            case "torch._utils._rebuild_parameter" when a.Length >= 1:
                return a[0] is PickleReader.PickleCall inner ? AsPendingTensor(inner) : null;
            default:
                throw new InvalidDataException($"{source}: unexpected call to {call.Function.FullName} with {a.Length} arguments");
        }
    }

    private Tensor MakeTensor(PendingTensor p, string key)
    {
        if (!_data.TryGetValue(p.Storage.Key, out var storage))
        {
            throw new InvalidDataException($"{source}: the data of storage '{p.Storage.Key}' (tensor '{key}') is missing");
        }

        long extent = p.Offset;
        for (int i = 0; i < p.Size.Length; i++)
        {
            if (p.Size[i] < 0 || (i < p.Stride.Length && p.Stride[i] < 0))
            {
                throw new InvalidDataException($"{source}: tensor '{key}' has a negative size or stride");
            }

            extent += p.Size[i] == 0 || i >= p.Stride.Length ? 0 : (p.Size[i] - 1) * p.Stride[i];
        }

        if (p.Size.Length != p.Stride.Length || (p.Size.All(s => s > 0) && extent >= storage.shape[0]) || p.Offset < 0)
        {
            throw new InvalidDataException($"{source}: tensor '{key}' does not fit in its storage");
        }

        using var scope = NewDisposeScope();
        return scope.MoveToOuter(storage.as_strided(p.Size, p.Stride, p.Offset).contiguous().clone());
    }

    private long ToLong(object? value) =>
        value as long? ?? throw new InvalidDataException($"{source}: expected an integer in a tensor record");

    private long[] ToLongs(object? value) =>
        value is object?[] items ? items.Select(ToLong).ToArray() : throw new InvalidDataException($"{source}: expected a tuple of integers in a tensor record");
}
