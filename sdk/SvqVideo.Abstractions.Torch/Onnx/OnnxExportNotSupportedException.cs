namespace SvqVideo.Torch.Onnx;

/// <summary>
/// A model, translator or quantizer (or one of its settings) has no exact ONNX form. The message is one line
/// naming what is not supported; nothing is written.
/// </summary>
public sealed class OnnxExportNotSupportedException : NotSupportedException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public OnnxExportNotSupportedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public OnnxExportNotSupportedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public OnnxExportNotSupportedException()
        : base("this model has no ONNX form")
    {
    }
}
