namespace SvqVideo.Hosting;

/// <summary>libtorch's native runtime could not be loaded; the message is one line with the real cause and the fix.</summary>
public sealed class NativeRuntimeException : Exception
{
    public NativeRuntimeException()
    {
    }

    public NativeRuntimeException(string message)
        : base(message)
    {
    }

    public NativeRuntimeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
