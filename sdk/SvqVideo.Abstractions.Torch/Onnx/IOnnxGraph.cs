using static TorchSharp.torch;

namespace SvqVideo.Torch.Onnx;

/// <summary>
/// An ONNX graph under construction, as <see cref="IOnnxExportable"/> implementations see it: constant tensors
/// (initializers) and nodes of the default <c>ai.onnx</c> domain, named by value. The exporter owns the
/// implementation and writes the file; contributors never see the protobuf types. Value names are unique in the
/// graph; names given here are hints, made unique and prefixed with the current <see cref="Scope"/>.
/// Not thread-safe.
/// <para>
/// Attribute values may be <see cref="long"/>, <see cref="int"/>, <see cref="float"/>, <see cref="double"/>
/// (written as float), <see cref="string"/>, <c>long[]</c>, <c>int[]</c> or <c>float[]</c>. An optional input
/// that is left out is written as the empty string, as ONNX does.
/// </para>
/// </summary>
public interface IOnnxGraph
{
    /// <summary>The <c>ai.onnx</c> opset the graph is written for; contributors use only operators (and versions) it has.</summary>
    int Opset { get; }

    /// <summary>
    /// Adds a constant holding a copy of <paramref name="value"/> (float32, float64 — stored as float32 — or int64;
    /// any device) and returns its value name.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor has another element type.</exception>
    string Initializer(string name, Tensor value);

    /// <summary>Adds one node and returns the names of its <paramref name="outputs"/> outputs.</summary>
    /// <exception cref="ArgumentException">An input is not a value of the graph, or an attribute value has an unsupported type.</exception>
    IReadOnlyList<string> Node(string opType, IReadOnlyList<string> inputs, int outputs, IReadOnlyList<KeyValuePair<string, object>> attributes);

    /// <summary>
    /// Opens a naming scope (for example a module's state-dict key); names created until the returned handle is
    /// disposed are prefixed with it, which keeps the file readable. Scopes nest.
    /// </summary>
    IDisposable Scope(string name);
}
