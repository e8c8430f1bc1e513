using Microsoft.ML.OnnxRuntime;

namespace SvqVideo.Plugins.Onnx;

/// <summary>
/// An exported model opened on ONNX Runtime and checked against the SvqVideo contract: its metadata block
/// (<see cref="ExportedModelMetadata"/>) and a graph whose one input and one output have the names, element type and
/// shapes that block promises. Owns the session.
/// </summary>
internal sealed class OnnxModelFile : IDisposable
{
    private OnnxModelFile(string path, InferenceSession session, ExportedModelMetadata metadata, string provider)
    {
        Path = path;
        Session = session;
        Metadata = metadata;
        Provider = provider;
    }

    public string Path { get; }

    public InferenceSession Session { get; }

    public ExportedModelMetadata Metadata { get; }

    /// <summary>The execution provider the session runs on: <c>cpu</c> or <c>cuda</c>.</summary>
    public string Provider { get; }

    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Not an ONNX model, no SvqVideo metadata, or a graph that does not match it (one line).</exception>
    /// <exception cref="ArgumentException">CUDA was asked for and cannot start.</exception>
    public static OnnxModelFile Open(string path, OnnxRuntimeSettings settings)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"model not found: {full}", full);
        }

        var (session, provider) = CreateSession(full, settings);
        try
        {
            var metadata = ExportedModelMetadata.FromProperties(session.ModelMetadata.CustomMetadataMap, full);
            CheckTensor(full, session.InputMetadata, ExportedModelMetadata.InputName, metadata.FramesIn, metadata);
            CheckTensor(full, session.OutputMetadata, ExportedModelMetadata.OutputName, metadata.FramesPerPass, metadata);
            return new OnnxModelFile(full, session, metadata, provider);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public void Dispose() => Session.Dispose();

    private static (InferenceSession Session, string Provider) CreateSession(string path, OnnxRuntimeSettings settings)
    {
        bool cuda = settings.Provider == "cuda";
        try
        {
            return (Load(path, settings, cuda), cuda ? "cuda" : "cpu");
        }
        catch (ArgumentException) when (cuda && settings.FallBackToCpu)
        {
            // 'auto' on a CUDA build without a usable GPU: the CPU provider, as TorchDevices does for libtorch.
            return (Load(path, settings, useCuda: false), "cpu");
        }
    }

    private static InferenceSession Load(string path, OnnxRuntimeSettings settings, bool useCuda)
    {
        using var options = settings.CreateSessionOptions(useCuda);
        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{path} cannot be loaded as an ONNX model: {OnnxRuntimeSettings.FirstLine(e.Message)}", e);
        }
    }

    private static void CheckTensor(string path, IReadOnlyDictionary<string, NodeMetadata> tensors, string name, int frames, ExportedModelMetadata m)
    {
        string kind = ReferenceEquals(name, ExportedModelMetadata.InputName) ? "input" : "output";
        if (tensors.Count != 1 || !tensors.TryGetValue(name, out var node))
        {
            throw new InvalidDataException($"{path}: the graph's {kind}s are [{string.Join(", ", tensors.Keys)}], the SvqVideo contract has exactly one named '{name}'");
        }

        int[] expected = [-1, frames, m.Channels, m.Height, m.Width];
        var dims = node.Dimensions;
        bool batchDynamic = dims.Length == 5 && dims[0] <= 0;
        if (!node.IsTensor || node.ElementType != typeof(float) || !batchDynamic || !dims.Skip(1).SequenceEqual(expected.Skip(1)))
        {
            throw new InvalidDataException($"{path}: graph {kind} '{name}' is {node.ElementType.Name} [{string.Join(", ", dims)}], its metadata promises float32 [batch, {string.Join(", ", expected.Skip(1))}]");
        }
    }
}
