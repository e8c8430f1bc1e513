namespace SvqVideo.Hosting;

/// <summary>libtorch's native runtime could not be loaded; the message is one line with the real cause and the fix.</summary>
public sealed class NativeRuntimeException : Exception
{
    /// <summary>Creates the exception without a message.</summary>
    public NativeRuntimeException()
    {
    }

    /// <summary>Creates the exception with its one-line <paramref name="message"/>.</summary>
    public NativeRuntimeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its one-line <paramref name="message"/> and the failure that caused it.</summary>
    public NativeRuntimeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
