using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace SvqVideo.Torch;

/// <summary>
/// SvqVideo's checkpoint format: one safetensors file whose tensors are the model's
/// <c>state_dict()</c> (keys as the reference implementation names them) plus optional extra
/// groups under a prefix (e.g. <c>optim.</c>), and whose <c>__metadata__</c> holds the
/// <see cref="CheckpointManifest"/> as JSON under the key <c>svqvideo.manifest</c>. Written
/// atomically; loading parses data only, never code.
/// </summary>
public static class Checkpoint
{
    /// <summary>Metadata key of the manifest.</summary>
    public const string ManifestKey = "svqvideo.manifest";

    /// <summary>
    /// Prefixes of the training state a checkpoint may carry beside the model's weights (optimizer
    /// moments, RNG states, trainer bookkeeping). Loaders of the model ignore them.
    /// </summary>
    public static IReadOnlyList<string> TrainingStatePrefixes { get; } = ["optim.", "rng.", "train."];

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Writes a checkpoint atomically (temporary file, then rename). A checkpoint never holds a NaN or an
    /// infinity: a floating-point tensor with one is refused before anything is written.
    /// </summary>
    /// <exception cref="InvalidDataException">A floating-point tensor holds a non-finite value (the message names it); nothing was written.</exception>
    public static void Save(string path, CheckpointManifest manifest, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors as IReadOnlyCollection<KeyValuePair<string, Tensor>> ?? [.. tensors];
        foreach (var (key, tensor) in list)
        {
            if (tensor.is_floating_point() && !AllFinite(tensor))
            {
                throw new InvalidDataException($"refusing to write {path}: tensor '{key}' holds NaN or infinite values");
            }
        }

        tensors = list;
        var meta = new Dictionary<string, string> { [ManifestKey] = JsonSerializer.Serialize(manifest, Json), ["format"] = manifest.Format };
        SafeTensors.Write(path, tensors, meta);
    }

    /// <summary>
    /// Writes <paramref name="model"/>'s state dict (from any device) with its manifest
    /// (<see cref="CheckpointManifest.For"/>) to <paramref name="path"/> atomically.
    /// </summary>
    public static void SaveModel(string path, IForecastModel model, JsonObject? training = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        Save(path, CheckpointManifest.For(model, training), model.Module.state_dict());
    }

    /// <summary>
    /// Rebuilds the model a checkpoint describes: the model family and the quantizer its manifest names, found
    /// through <paramref name="resolver"/>, with every weight loaded strictly (tensors under
    /// <see cref="TrainingStatePrefixes"/> are ignored). Nothing in the file is executed. The model is on the CPU
    /// in the mode its factory leaves it (training); the caller owns it.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not an SvqVideo checkpoint, is corrupt, or its configuration or tensors do not fit the model its manifest describes (the message names the first mismatching key).</exception>
    /// <exception cref="KeyNotFoundException">The resolver provides no factory for the checkpoint's model family or quantizer kind (the message names it).</exception>
    public static IForecastModel LoadModel(string path, IForecastModelResolver resolver)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(resolver);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"checkpoint not found: {path}", path);
        }

        var (manifest, tensors) = Load(path);
        try
        {
            return Rebuild(path, manifest, tensors, resolver);
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>True when every element of <paramref name="tensor"/> is finite.</summary>
    public static bool AllFinite(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = NewDisposeScope();
        return tensor.detach().isfinite().all().item<bool>();
    }

    /// <summary>Reads only the manifest.</summary>
    /// <exception cref="InvalidDataException">The file is not an SvqVideo checkpoint (the message says why).</exception>
    public static CheckpointManifest ReadManifest(string path) => ParseManifest(SafeTensors.ReadMetadata(path), path);

    /// <summary>Reads the manifest and every tensor (onto the CPU). The caller owns the tensors.</summary>
    /// <exception cref="InvalidDataException">The file is not an SvqVideo checkpoint or is corrupt.</exception>
    public static (CheckpointManifest Manifest, Dictionary<string, Tensor> Tensors) Load(string path)
    {
        var (tensors, meta) = SafeTensors.Read(path);
        try
        {
            return (ParseManifest(meta, path), tensors);
        }
        catch
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }

            throw;
        }
    }

    /// <summary>Serialises a manifest to JSON (the same text the file stores).</summary>
    public static string ToJson(CheckpointManifest manifest) => JsonSerializer.Serialize(manifest, Json);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The quantizer is handed to the model, which owns it; every failure path disposes it.")]
    private static IForecastModel Rebuild(string path, CheckpointManifest manifest, Dictionary<string, Tensor> tensors, IForecastModelResolver resolver)
    {
        string family = manifest.Model.Family;
        var factory = resolver.FindModel(family)
            ?? throw new KeyNotFoundException($"{path}: the checkpoint holds a '{family}' model, but no plugin the host offers provides that model family");
        var quantizer = manifest.Quantizer is { } options ? CreateQuantizer(path, options, resolver) : null;
        IForecastModel model;
        try
        {
            model = factory.Create(manifest.Model, quantizer);
        }
        catch (ArgumentException e)
        {
            quantizer?.Dispose();
            throw new InvalidDataException($"{path}: the checkpoint's {family} configuration is invalid: {e.Message}", e);
        }
        catch
        {
            quantizer?.Dispose();
            throw;
        }

        try
        {
            LoadModelState(model.Module, tensors);
            return model;
        }
        catch (InvalidDataException e)
        {
            model.Dispose();
            throw new InvalidDataException($"{path}: the tensors do not fit the {family} model its manifest describes: {e.Message}", e);
        }
    }

    private static IQuantizer CreateQuantizer(string path, QuantizerOptions options, IQuantizerResolver resolver)
    {
        var factory = resolver.FindQuantizer(options.Kind)
            ?? throw new KeyNotFoundException($"{path}: the model uses quantizer '{options.Kind}', but no plugin the host offers provides it");
        try
        {
            return factory.Create(options);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: cannot rebuild quantizer '{options.Kind}' from the checkpoint: {e.Message}", e);
        }
    }

    private static CheckpointManifest ParseManifest(IReadOnlyDictionary<string, string> meta, string path)
    {
        if (!meta.TryGetValue(ManifestKey, out var json))
        {
            throw new InvalidDataException($"{path}: not an SvqVideo checkpoint (no manifest; a PyTorch state dict is imported with PyTorchCheckpointImporter first)");
        }

        CheckpointManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<CheckpointManifest>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: checkpoint manifest is not valid JSON ({e.Message})", e);
        }

        if (manifest is null)
        {
            throw new InvalidDataException($"{path}: checkpoint manifest is empty");
        }

        if (manifest.Format != CheckpointManifest.CurrentFormat)
        {
            throw new InvalidDataException($"{path}: unknown checkpoint format '{manifest.Format}' (this build reads {CheckpointManifest.CurrentFormat})");
        }

        return manifest;
    }

    /// <summary>
    /// Copies the model weights of a checkpoint into <paramref name="module"/> strictly, ignoring the
    /// <see cref="TrainingStatePrefixes"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">A key is missing or unexpected, or a shape differs; the message names the first such key.</exception>
    public static void LoadModelState(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors) =>
        LoadInto(module, tensors, [.. TrainingStatePrefixes]);

    /// <summary>
    /// Copies <paramref name="tensors"/> into <paramref name="module"/>'s state dict by exact key,
    /// ignoring keys that start with one of <paramref name="ignorePrefixes"/>.
    /// Parameters keep their requires_grad flags.
    /// </summary>
    /// <exception cref="InvalidDataException">A key is missing or unexpected, or a shape differs; the message names the first such key.</exception>
    public static void LoadInto(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, params string[] ignorePrefixes)
    {
        ArgumentNullException.ThrowIfNull(ignorePrefixes);
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(tensors);
        var state = module.state_dict();
        var relevant = tensors.Where(kv => !ignorePrefixes.Any(p => kv.Key.StartsWith(p, StringComparison.Ordinal)))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var key in state.Keys)
        {
            if (!relevant.ContainsKey(key))
            {
                throw new InvalidDataException($"missing key '{key}' in the checkpoint (expected shape [{string.Join(",", state[key].shape)}])");
            }
        }

        foreach (var (key, value) in relevant)
        {
            if (!state.TryGetValue(key, out var target))
            {
                throw new InvalidDataException($"unexpected key '{key}' in the checkpoint (the model has no such tensor)");
            }

            if (!target.shape.SequenceEqual(value.shape))
            {
                throw new InvalidDataException($"shape mismatch for '{key}': checkpoint [{string.Join(",", value.shape)}], model [{string.Join(",", target.shape)}]");
            }
        }

        using var _ = no_grad();
        foreach (var (key, value) in relevant)
        {
            var target = state[key];
            target.copy_(value.to(target.dtype));
        }
    }
}
