using System.Buffers.Binary;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Interop;

/// <summary>
/// SvqVideo's one reader of files written by PyTorch: the zip <c>torch.save</c> format (PyTorch 1.6 and later),
/// the legacy pickle <c>torch.save</c> format, and <c>.safetensors</c>, recognised by their first bytes. Only data
/// is read: both torch formats are parsed by the restricted <see cref="PickleReader"/>, which imports and calls
/// nothing and refuses any construct a dictionary of tensors does not need, so a malicious pickle is refused
/// before any of it is used. Tensors come out on the CPU, contiguous; the file object owns them until disposed.
/// Not thread-safe; every call to <see cref="Read"/> is independent.
/// </summary>
internal sealed class PyTorchFile : IDisposable
{
    /// <summary>The format name of PyTorch's zip <c>torch.save</c> files.</summary>
    public const string ZipFormat = "torch.save";

    /// <summary>The format name of PyTorch's legacy (pre-1.6) <c>torch.save</c> files.</summary>
    public const string LegacyFormat = "legacy torch.save";

    /// <summary>The format name of <c>.safetensors</c> files.</summary>
    public const string SafeTensorsFormat = "safetensors";

    /// <summary>Entries of a training checkpoint that may hold the model's state dict, in the order they are tried.</summary>
    public static IReadOnlyList<string> WrapperEntries { get; } = ["state_dict", "model_state_dict", "model"];

    private readonly List<Tensor> _tensors;

    private PyTorchFile(string path, string format, object? root, List<Tensor> tensors)
    {
        Path = path;
        Format = format;
        Root = root;
        _tensors = tensors;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary><see cref="ZipFormat"/>, <see cref="LegacyFormat"/> or <see cref="SafeTensorsFormat"/>.</summary>
    public string Format { get; }

    /// <summary>The saved object: dictionaries as <see cref="PickleReader.PickleDict"/>, lists, tuples (arrays), tensors and plain values.</summary>
    public object? Root { get; }

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is in none of the three formats, is corrupt or truncated, or holds something the restricted reader refuses (one line, naming the file).</exception>
    public static PyTorchFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[9];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..read];
        stream.Position = 0;
        if (IsSafeTensors(head, stream.Length))
        {
            var (tensors, _) = SafeTensors.Read(path);
            var dict = new PickleReader.PickleDict();
            foreach (var (key, value) in tensors)
            {
                dict.Set(key, value);
            }

            return new PyTorchFile(path, SafeTensorsFormat, dict, [.. tensors.Values]);
        }

        Func<Stream, string, TorchStorages, object?> parse;
        string format;
        if (ZipTorchFormat.LooksLikeIt(head))
        {
            (parse, format) = (ZipTorchFormat.Read, ZipFormat);
        }
        else if (LegacyTorchFormat.LooksLikeIt(head))
        {
            (parse, format) = (LegacyTorchFormat.Read, LegacyFormat);
        }
        else
        {
            throw new InvalidDataException($"{path}: not a PyTorch checkpoint (neither a torch.save file, zip or legacy, nor safetensors)");
        }

        using var storages = new TorchStorages(path);
        try
        {
            var root = parse(stream, path, storages);
            return new PyTorchFile(path, format, root, storages.TakeTensors());
        }
        catch (Exception e) when (e is not (InvalidDataException or IOException or OutOfMemoryException))
        {
            throw new InvalidDataException($"{path}: cannot read this {format} file ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    /// <summary>
    /// The state dict the file holds: the saved dictionary itself when every value is a tensor, else the first of
    /// <see cref="WrapperEntries"/> that is one (a training checkpoint), named in <c>UnwrappedEntry</c>. The
    /// tensors stay owned by this object.
    /// </summary>
    /// <exception cref="InvalidDataException">No state dict at either place (the message names the top-level entries).</exception>
    public (Dictionary<string, Tensor> Tensors, string? UnwrappedEntry) StateDict()
    {
        if (Root is not PickleReader.PickleDict root)
        {
            throw new InvalidDataException($"{Path}: holds a {Describe(Root)}, not a state dict; save torch.save(model.state_dict(), path)");
        }

        if (AsStateDict(root) is { } flat)
        {
            return (flat, null);
        }

        foreach (var entry in WrapperEntries)
        {
            if (root.Items.FirstOrDefault(kv => kv.Key as string == entry).Value is PickleReader.PickleDict inner && AsStateDict(inner) is { } nested)
            {
                return (nested, entry);
            }
        }

        var keys = root.Items.Select(kv => kv.Key?.ToString()).Take(8).ToList();
        throw new InvalidDataException(
            $"{Path}: holds a dictionary with the entries [{string.Join(", ", keys)}] but no state dict (looked for a flat dict of tensors or one under {string.Join(", ", WrapperEntries)}); save torch.save(model.state_dict(), path)");
    }

    /// <summary>Disposes every tensor read.</summary>
    public void Dispose()
    {
        foreach (var t in _tensors)
        {
            t.Dispose();
        }

        _tensors.Clear();
    }

    /// <summary>A safetensors file starts with its header length (little-endian int64, within the file) and the header's <c>{</c>.</summary>
    private static bool IsSafeTensors(ReadOnlySpan<byte> head, long length) =>
        head.Length == 9 && head[8] == '{' && BinaryPrimitives.ReadInt64LittleEndian(head) is var n && n > 0 && n <= length - 8;

    private static Dictionary<string, Tensor>? AsStateDict(PickleReader.PickleDict dict)
    {
        if (dict.Items.Count == 0)
        {
            return null;
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, value) in dict.Items)
        {
            if (key is not string name || value is not Tensor t)
            {
                return null;
            }

            result[name] = t;
        }

        return result;
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        Tensor => "single tensor",
        List<object?> => "list",
        object?[] => "tuple",
        _ => value.GetType().Name,
    };
}
