using System.Reflection;

namespace SvqVideo.Plugins.Onnx;

/// <summary>
/// Registry entry <c>onnx</c>: serves a model exported by <c>svqvideo export</c> (an ONNX file with SvqVideo's
/// metadata block) as an <see cref="IFramePredictor"/> on ONNX Runtime. <see cref="PredictorCreateOptions.Device"/>
/// picks the execution provider (<c>cpu</c>, <c>cuda</c>/<c>cuda:N</c>, or <c>auto</c>: CUDA when this plugin was
/// built for it and a GPU answers, else the CPU); <see cref="PredictorCreateOptions.AdditionalProperties"/> may set
/// <c>threads</c> (intra-op threads; 0 or absent: ONNX Runtime's default, one per physical core).
/// Stateless and thread-safe.
/// </summary>
internal sealed class OnnxPredictorFactory : IFramePredictorFactory
{
    internal static readonly string Version =
        typeof(OnnxPredictorFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(OnnxPredictorFactory).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    public string Name => "onnx";

    public string Description => "An exported SvqVideo model (.onnx from 'svqvideo export') on ONNX Runtime; no libtorch needed.";

    /// <exception cref="ArgumentException">No path, an unknown device or thread count, or CUDA asked of a CPU build.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not an ONNX model, has no SvqVideo metadata, or its graph does not match that metadata.</exception>
    public IFramePredictor Create(PredictorCreateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.CheckpointPath))
        {
            throw new ArgumentException("onnx needs a model file: set the checkpoint path to an .onnx file made by 'svqvideo export'", nameof(options));
        }

        var settings = OnnxRuntimeSettings.From(options);
        var model = OnnxModelFile.Open(options.CheckpointPath, settings);
        try
        {
            return new OnnxFramePredictor(model, Version);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
