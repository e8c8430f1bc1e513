using SvqVideo.Torch;

namespace SvqVideo.Cli;

/// <summary>
/// Opens what a user passes as <c>--checkpoint</c> as a predictor: an SvqVideo checkpoint through the plugin its
/// manifest names, or an exported <c>.onnx</c> model through the <c>onnx</c> predictor plugin (ONNX Runtime).
/// The one place forecast and eval decide between the two.
/// </summary>
internal static class PredictorFiles
{
    /// <summary>True when <paramref name="path"/> names an exported ONNX model (by its extension).</summary>
    public static bool IsOnnx(string path) => Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>The predictor for a checkpoint or an exported model, on <paramref name="device"/> (onnx: CPU unless a CUDA build asks otherwise; --threads applies).</summary>
    /// <exception cref="CliException">The file does not exist (exit 3).</exception>
    public static IFramePredictor Open(CommandContext ctx, string path, string device)
    {
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.BadInput, $"{(IsOnnx(path) ? "model" : "checkpoint")} not found: {path}");
        }

        if (IsOnnx(path))
        {
            try
            {
                return ctx.Catalog().CreatePredictor("onnx", new PredictorCreateOptions
                {
                    CheckpointPath = path,
                    Device = OnnxDevice(ctx.DeviceName),
                    AdditionalProperties = new Dictionary<string, object?> { ["threads"] = Math.Max(0, ctx.Threads) },
                });
            }
            catch (InvalidDataException e)
            {
                throw new CliException(ExitCodes.BadInput, $"{e.Message} (export a checkpoint with 'svqvideo export')", e);
            }
        }

        var manifest = Checkpoint.ReadManifest(path);
        return ctx.Catalog().CreatePredictor(manifest.Model.Family, new PredictorCreateOptions { CheckpointPath = path, Device = device });
    }

    /// <summary>
    /// The onnx plugin's device for the user's --device: as given, except that <c>auto</c> stays <c>auto</c> (the plugin
    /// decides from its own build), since libtorch finding a GPU says nothing about ONNX Runtime's build.
    /// </summary>
    private static string OnnxDevice(string deviceName) => deviceName.Trim().ToLowerInvariant();
}
