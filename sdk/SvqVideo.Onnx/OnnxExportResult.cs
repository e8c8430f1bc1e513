namespace SvqVideo.Onnx;

/// <summary>What <see cref="OnnxExporter"/> wrote. Immutable.</summary>
/// <param name="Metadata">The metadata block written into the file.</param>
/// <param name="Nodes">Number of graph nodes.</param>
/// <param name="Initializers">Number of constant tensors (weights and small constants).</param>
/// <param name="Bytes">Size of the serialised model.</param>
public sealed record OnnxExportResult(ExportedModelMetadata Metadata, int Nodes, int Initializers, long Bytes);
