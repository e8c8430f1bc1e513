namespace SvqVideo.Onnx;

/// <summary>Options of <see cref="OnnxExporter"/>. Null members mean "default". Plain data.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The <c>ai.onnx</c> opset to write: <see cref="OnnxExporter.DefaultOpset"/> (17) unless set; 17 is the lowest supported.</summary>
    public int? Opset { get; init; }

    /// <summary>SHA-256 (hex) of the source checkpoint, recorded in the metadata block.</summary>
    public string? SourceSha256 { get; init; }

    /// <summary>Channel order of the training frames (<c>gray</c>, <c>RGB</c>, <c>BGR</c>); default: <c>gray</c> for one channel, else <c>RGB</c>.</summary>
    public string? ChannelOrder { get; init; }

    /// <summary>The source's configuration as JSON (for example the checkpoint manifest), recorded for provenance.</summary>
    public string? Configuration { get; init; }
}
