namespace SvqVideo.Datasets;

/// <summary>
/// Data that cannot be used as asked: a missing, empty, unreadable or corrupt file, a folder in the
/// wrong layout, a video shorter than one clip. The message is one line naming the file or folder
/// and what to do about it. Nothing in the user's data folder is modified before it is thrown.
/// </summary>
public sealed class DatasetException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/> (may be null when no single file is at fault).</summary>
    public DatasetException(string message, string? path = null, Exception? inner = null)
        : base(message, inner)
    {
        Path = path;
    }

    /// <summary>The file or folder at fault, when there is one.</summary>
    public string? Path { get; }
}
