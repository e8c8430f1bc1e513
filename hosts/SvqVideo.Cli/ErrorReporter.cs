using SvqVideo.Hosting;

namespace SvqVideo.Cli;

/// <summary>Maps exceptions to one stderr line and an exit code; the stack trace only with --verbose.</summary>
internal static class ErrorReporter
{
    public static int Report(Exception e, bool verbose, TextWriter stderr)
    {
        var (code, message) = Classify(e);
        stderr.WriteLine($"svqvideo: error: {OneLine(message)}");
        if (verbose)
        {
            stderr.WriteLine(e.ToString());
        }

        return code;
    }

    public static (int Code, string Message) Classify(Exception e) => e switch
    {
        CliException c => (c.ExitCode, c.Message),
        OperationCanceledException => (ExitCodes.Cancelled, "cancelled; no partial output was kept"),
        PluginLoadException p => (ExitCodes.Plugin, p.Message),
        NativeRuntimeException n => (ExitCodes.NativeRuntime, $"{n.Message} (scripts/setup.sh checks and installs what libtorch's runtime needs)"),
        Torch.Onnx.OnnxExportNotSupportedException u => (ExitCodes.Unsupported, u.Message),
        InvalidDataException d => (ExitCodes.BadInput, d.Message),
        Datasets.DatasetException d => (ExitCodes.BadInput, d.Message),
        FileNotFoundException f => (ExitCodes.BadInput, f.FileName is { } name ? $"file not found: {name}" : f.Message),
        DirectoryNotFoundException d => (ExitCodes.Output, d.Message),
        UnauthorizedAccessException u => (ExitCodes.Output, $"permission denied: {u.Message}"),
        ArgumentException a => (ExitCodes.Usage, a.Message),
        FormatException f => (ExitCodes.Usage, f.Message),
        IOException io => (ExitCodes.Output, io.Message),
        AggregateException { InnerExceptions.Count: 1 } agg => Classify(agg.InnerExceptions[0]),
        TypeInitializationException t when t.InnerException is not null => Classify(t.InnerException),
        OutOfMemoryException => (ExitCodes.Failure, "out of memory; forecast fewer frames, use a smaller --size or --fit-window, or free memory, and run it again"),
        OverflowException => (ExitCodes.Failure, "a size is too large to compute (an internal count overflowed); use fewer frames or a smaller size, and report it with --verbose's details"),
        // Anything else is a bug or an unforeseen condition: its message, never its type name (--verbose shows the trace).
        _ => (ExitCodes.Failure, $"unexpected failure: {e.Message} (run with --verbose for the details)"),
    };

    private static string OneLine(string text)
    {
        int nl = text.IndexOfAny(['\r', '\n']);
        return (nl < 0 ? text : text[..nl]).Trim();
    }
}
