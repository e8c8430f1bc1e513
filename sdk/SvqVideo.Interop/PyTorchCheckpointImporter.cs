using System.Buffers.Binary;
using System.Collections;
using SvqVideo.Torch;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace SvqVideo.Interop;

/// <summary>
/// Imports weights trained with the PyTorch reference implementations (OpenSTL, SVQ-Forecasting) into an
/// SvqVideo model whose state-dict keys follow the reference's. Reads PyTorch's zip <c>torch.save</c> format
/// (1.6 and later) and <c>.safetensors</c>; only tensor data is read, no Python code is run.
/// <para>
/// Accepted layouts: a flat state dict (<c>torch.save(model.state_dict(), path)</c>, what OpenSTL's trainer
/// writes); a dictionary holding it under <c>state_dict</c>, <c>model_state_dict</c> or <c>model</c> (Lightning
/// and common training scripts), which is unwrapped. Keys are matched as stored when any of them is one of the
/// model's keys; otherwise a prefix <c>model.</c> (Lightning's wrapper module) or <c>module.</c>
/// (DataParallel) carried by every key is removed. Then every model key must be present with its exact shape
/// (dtypes are converted). Parameters keep their <c>requires_grad</c> flags and the model its device.
/// </para>
/// Thread-safe (no shared state); the model must not be used concurrently during the import.
/// </summary>
public static class PyTorchCheckpointImporter
{
    private static readonly string[] WrapperEntries = ["state_dict", "model_state_dict", "model"];
    private static readonly string[] KeyPrefixes = ["model.", "module."];

    /// <summary>Copies the weights in <paramref name="path"/> into <paramref name="model"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is a legacy (pre-1.6) pickle, a pickled whole model, a dictionary without a state dict, not a PyTorch
    /// file at all, or its tensors do not fit the model (the message names the first mismatching key). One line.
    /// </exception>
    public static PyTorchImportResult Import(string path, IForecastModel model)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"PyTorch checkpoint not found: {path}", path);
        }

        var (format, stored, unwrapped) = Read(path);
        try
        {
            var modelKeys = model.Module.state_dict().Keys.ToList();
            var modelKeySet = modelKeys.ToHashSet(StringComparer.Ordinal);
            var (matched, prefix) = MatchKeys(stored, modelKeySet);

            // In the model's key order, so that an error names the first mismatching key as the model lists them.
            var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var key in modelKeys.Where(matched.ContainsKey).Concat(matched.Keys.Where(k => !modelKeySet.Contains(k)).Order(StringComparer.Ordinal)))
            {
                tensors[key] = matched[key];
            }

            try
            {
                Checkpoint.LoadInto(model.Module, tensors);
            }
            catch (InvalidDataException e)
            {
                string how = prefix is null ? "" : $" (after removing the key prefix '{prefix}')";
                throw new InvalidDataException($"{path}: the weights do not fit this {model.Config.Family} model{how}: {e.Message}", e);
            }

            return new PyTorchImportResult(path, format, tensors.Count, prefix, unwrapped);
        }
        finally
        {
            foreach (var t in stored.Values)
            {
                t.Dispose();
            }
        }
    }

    private static (string Format, Dictionary<string, Tensor> Tensors, string? Unwrapped) Read(string path)
    {
        Span<byte> head = stackalloc byte[9];
        long length;
        int read;
        using (var probe = File.OpenRead(path))
        {
            length = probe.Length;
            read = probe.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (read >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)
        {
            var (tensors, unwrapped) = ReadTorchZip(path);
            return ("torch.save", tensors, unwrapped);
        }

        if (read == 9 && head[8] == '{' && BinaryPrimitives.ReadInt64LittleEndian(head) is var n && n > 0 && n <= length - 8)
        {
            var (tensors, _) = SafeTensors.Read(path);
            return ("safetensors", tensors, null);
        }

        if (read >= 1 && head[0] == 0x80)
        {
            throw new InvalidDataException(
                $"{path}: a legacy (pre-1.6) torch.save pickle, which cannot be read safely; in Python re-save it with torch.save(torch.load(path), new_path) (PyTorch 1.6+ writes the zip format) or as .safetensors");
        }

        throw new InvalidDataException($"{path}: not a PyTorch checkpoint (neither a torch.save zip file nor safetensors)");
    }

    private static (Dictionary<string, Tensor> Tensors, string? Unwrapped) ReadTorchZip(string path)
    {
        Hashtable root;
        try
        {
            using var stream = File.OpenRead(path);
            root = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: false);
        }
        catch (NotImplementedException e) when (e.Message.Contains("entire model", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(
                $"{path}: holds a pickled whole model (torch.save(model)), which cannot be read without running Python code; in Python save torch.save(model.state_dict(), path) instead", e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: cannot read the torch.save file ({e.GetType().Name}: {OneLine(e.Message)})", e);
        }

        if (AsStateDict(root) is { } flat)
        {
            return (flat, null);
        }

        foreach (var entry in WrapperEntries)
        {
            if (root[entry] is IDictionary inner && AsStateDict(inner) is { } nested)
            {
                DisposeTensors(root, except: inner);
                return (nested, entry);
            }
        }

        var keys = root.Keys.Cast<object>().Select(k => k.ToString()).Take(8).ToList();
        DisposeTensors(root, except: null);
        throw new InvalidDataException(
            $"{path}: holds a dictionary with the entries [{string.Join(", ", keys)}] but no state dict (looked for a flat dict of tensors or one under {string.Join(", ", WrapperEntries)}); save torch.save(model.state_dict(), path)");
    }

    /// <summary>The dictionary as a state dict when every value is a tensor, else null.</summary>
    private static Dictionary<string, Tensor>? AsStateDict(IDictionary dict)
    {
        if (dict.Count == 0)
        {
            return null;
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in dict)
        {
            if (e.Key is not string key || e.Value is not Tensor t)
            {
                return null;
            }

            result[key] = t;
        }

        return result;
    }

    private static void DisposeTensors(IDictionary dict, IDictionary? except)
    {
        foreach (DictionaryEntry e in dict)
        {
            if (e.Value is Tensor t)
            {
                t.Dispose();
            }
            else if (e.Value is IDictionary inner && !ReferenceEquals(inner, except))
            {
                DisposeTensors(inner, null);
            }
        }
    }

    private static (Dictionary<string, Tensor> Tensors, string? Prefix) MatchKeys(Dictionary<string, Tensor> stored, HashSet<string> modelKeys)
    {
        if (stored.Keys.Any(modelKeys.Contains))
        {
            return (stored, null);
        }

        foreach (var prefix in KeyPrefixes)
        {
            if (stored.Keys.All(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            {
                return (stored.ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal), prefix);
            }
        }

        return (stored, null);
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
