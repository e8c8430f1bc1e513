using SvqVideo.Interop;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Metrics;

/// <summary>
/// Loads real LPIPS (AlexNet, v0.1) weights. Nothing is downloaded: the files must be on disk.
/// <list type="bullet">
/// <item>Two files as distributed: torchvision's <c>alexnet-owt-7be5be79.pth</c> (zip torch.save; keys
/// <c>features.{0,3,6,8,10}.{weight,bias}</c>, <c>classifier.*</c> ignored) and the lpips package's
/// <c>weights/v0.1/alex.pth</c> (legacy torch.save; keys <c>lin{0..4}.model.1.weight</c>).</item>
/// <item>Or one safetensors file holding every key (write it once with <see cref="ExportSafeTensors"/>).</item>
/// </list>
/// Each file may be in any of the three formats (zip torch.save, legacy torch.save, safetensors); the
/// format is recognised from the first bytes by SvqVideo's one PyTorch file reader (in SvqVideo.Interop),
/// which parses data only, never code.
/// </summary>
public static class LpipsWeights
{
    /// <summary>Environment variable naming a weights file or folder, used when no location is given.</summary>
    public const string EnvironmentVariable = "SVQ_LPIPS_WEIGHTS";

    /// <summary>torchvision's AlexNet ImageNet weights (the trunk).</summary>
    public const string TrunkFileName = "alexnet-owt-7be5be79.pth";

    /// <summary>The lpips package's v0.1 calibration weights for AlexNet (<c>lpips/weights/v0.1/alex.pth</c>).</summary>
    public const string CalibrationFileName = "alex.pth";

    /// <summary>The single-file form written by <see cref="ExportSafeTensors"/>.</summary>
    public const string SafeTensorsFileName = "lpips_alex_v0.1.safetensors";

    /// <summary>Older torchvision's name for the AlexNet weights, also accepted when found in a folder.</summary>
    private const string OlderTrunkFileName = "alexnet-owt-4df8aa71.pth";

    /// <summary>Builds LPIPS from the torchvision trunk file and the lpips calibration file.</summary>
    /// <exception cref="InvalidDataException">A file is unreadable or lacks a needed key (the message names both).</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    public static Lpips Load(string trunkPath, string calibrationPath)
    {
        var (trunk, all) = ReadTensors(trunkPath);
        using (trunk)
        {
            var (calibration, lins) = ReadTensors(calibrationPath);
            using (calibration)
            {
                var merged = new Dictionary<string, Tensor>(all, StringComparer.Ordinal);
                foreach (var (k, v) in lins)
                {
                    merged[k] = v;
                }

                return Build(merged, $"{trunkPath} + {calibrationPath}");
            }
        }
    }

    /// <summary>
    /// Builds LPIPS from one file holding every key, with lpips names (<c>net.slice1.0.weight</c> …,
    /// <c>lin0.model.1.weight</c> …) or torchvision trunk names (<c>features.0.weight</c> …) plus the
    /// <c>lin*</c> keys.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is unreadable or lacks a needed key.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static Lpips Load(string weightsPath)
    {
        var (file, all) = ReadTensors(weightsPath);
        using (file)
        {
            return Build(all, weightsPath);
        }
    }

    /// <summary>
    /// Looks for weights at <paramref name="location"/> (or, when null, the folder or file named by
    /// <see cref="EnvironmentVariable"/>) and loads them. A file is loaded with <see cref="Load(string)"/>;
    /// a folder must hold <see cref="SafeTensorsFileName"/>, or <see cref="TrunkFileName"/> and
    /// <see cref="CalibrationFileName"/>. Returns false with a one-line reason (and how to fix it) when
    /// nothing usable is found or a file is unreadable; never makes up weights.
    /// </summary>
    public static bool TryLoad(string? location, out Lpips? lpips, out string reason)
    {
        lpips = null;
        location ??= Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(location))
        {
            reason = $"LPIPS unavailable: no weights given (set {EnvironmentVariable} to a folder holding {TrunkFileName} and lpips' v0.1 {CalibrationFileName}, or to a converted .safetensors file; see docs/metrics.md)";
            return false;
        }

        try
        {
            if (File.Exists(location))
            {
                lpips = Load(location);
            }
            else if (Directory.Exists(location))
            {
                string single = Path.Combine(location, SafeTensorsFileName);
                string trunk = Path.Combine(location, TrunkFileName);
                if (!File.Exists(trunk))
                {
                    trunk = Path.Combine(location, OlderTrunkFileName);
                }

                string calibration = Path.Combine(location, CalibrationFileName);
                if (File.Exists(single))
                {
                    lpips = Load(single);
                }
                else if (File.Exists(trunk) && File.Exists(calibration))
                {
                    lpips = Load(trunk, calibration);
                }
                else
                {
                    reason = $"LPIPS unavailable: {location} holds neither {SafeTensorsFileName} nor both {TrunkFileName} and {CalibrationFileName} (see docs/metrics.md)";
                    return false;
                }
            }
            else
            {
                reason = $"LPIPS unavailable: weights location {location} does not exist";
                return false;
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            reason = $"LPIPS unavailable: {e.Message}";
            return false;
        }

        reason = "";
        return true;
    }

    /// <summary>
    /// Converts the two distributed files into one safetensors file with the lpips package's key names
    /// (trunk ≈ 9.9 MB instead of 233 MB), written atomically. Load it later with <see cref="Load(string)"/>.
    /// </summary>
    public static void ExportSafeTensors(string trunkPath, string calibrationPath, string outputPath)
    {
        using var lpips = Load(trunkPath, calibrationPath);
        var state = lpips.state_dict().Where(kv => !kv.Key.StartsWith("lins.", StringComparison.Ordinal));
        SafeTensors.Write(outputPath, state, new Dictionary<string, string>
        {
            ["format"] = "svqvideo-lpips-v1",
            ["content"] = "LPIPS AlexNet v0.1: torchvision AlexNet features + lpips calibration (lin*), lpips key names",
            ["source"] = $"{Path.GetFileName(trunkPath)} + {Path.GetFileName(calibrationPath)}",
        });
    }

    /// <summary>
    /// Reads a weights file through SvqVideo's one PyTorch file reader (safetensors, zip or legacy torch.save;
    /// data only, never code): its state dict, owned by the returned file.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is in none of these formats, is corrupt, or holds no state dict.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    private static (PyTorchFile File, Dictionary<string, Tensor> Tensors) ReadTensors(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"LPIPS weights file not found: {path}", path);
        }

        var file = PyTorchFile.Read(path);
        try
        {
            return (file, file.StateDict().Tensors);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Maps the file keys onto the module's keys, checks completeness, and loads them strictly.</summary>
    private static Lpips Build(IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        var mapped = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, value) in tensors)
        {
            if (key.StartsWith("features.", StringComparison.Ordinal))
            {
                var parts = key.Split('.');
                int slice = Array.IndexOf(LpipsAlexNet.FeatureIndices, int.TryParse(parts[1], out int i) ? i : -1);
                if (slice >= 0)
                {
                    mapped[$"net.slice{slice + 1}.{string.Join('.', parts[1..])}"] = value;
                }
            }
            else if (key.StartsWith("net.", StringComparison.Ordinal) || key.StartsWith("lin", StringComparison.Ordinal)
                || key.StartsWith("scaling_layer.", StringComparison.Ordinal))
            {
                mapped[key] = value;
            }
        }

        for (int k = 0; k < Lpips.LayerCount; k++)
        {
            if (mapped.TryGetValue($"lin{k}.model.1.weight", out var w))
            {
                mapped.TryAdd($"lins.{k}.model.1.weight", w);
            }
            else if (mapped.TryGetValue($"lins.{k}.model.1.weight", out w))
            {
                mapped[$"lin{k}.model.1.weight"] = w;
            }
        }

        var lpips = new Lpips();
        try
        {
            foreach (var (key, own) in lpips.state_dict())
            {
                if (key.StartsWith("scaling_layer.", StringComparison.Ordinal))
                {
                    mapped.TryAdd(key, own);
                }
                else if (!mapped.ContainsKey(key))
                {
                    string hint = key.StartsWith("net.", StringComparison.Ordinal)
                        ? $"the AlexNet trunk ({TrunkFileName}, keys features.*)"
                        : $"the calibration layers (lpips' v0.1 {CalibrationFileName}, keys lin*.model.1.weight)";
                    throw new InvalidDataException($"{source}: no tensor for LPIPS key '{key}'; these files lack {hint}");
                }
            }

            Checkpoint.LoadInto(lpips, mapped);
            return lpips;
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(source, StringComparison.Ordinal))
        {
            lpips.Dispose();
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        catch
        {
            lpips.Dispose();
            throw;
        }
    }
}
