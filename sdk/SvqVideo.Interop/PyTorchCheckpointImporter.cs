using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Interop;

/// <summary>
/// Imports weights trained with the PyTorch reference implementations (OpenSTL, SVQ-Forecasting) into an
/// SvqVideo model whose state-dict keys follow the reference's. Reads PyTorch's zip <c>torch.save</c> format
/// (1.6 and later), the legacy pickle <c>torch.save</c> format and <c>.safetensors</c> through SvqVideo's one
/// PyTorch file reader: only data is read, no Python code is run, and a pickle referring to anything a dictionary
/// of tensors does not need (a pickled whole model, or code) is refused.
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
    private static readonly string[] KeyPrefixes = ["model.", "module."];

    /// <summary>Copies the weights in <paramref name="path"/> into <paramref name="model"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file refers to Python code or objects (e.g. a pickled whole model), is a dictionary without a state dict,
    /// is not a PyTorch file at all, or its tensors do not fit the model (the message names the first mismatching
    /// key). One line.
    /// </exception>
    public static PyTorchImportResult Import(string path, IForecastModel model)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"PyTorch checkpoint not found: {path}", path);
        }

        using var file = PyTorchFile.Read(path);
        var (stored, unwrapped) = file.StateDict();
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

        return new PyTorchImportResult(path, file.Format, tensors.Count, prefix, unwrapped);
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
}
