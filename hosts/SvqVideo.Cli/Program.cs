using SvqVideo.Cli;

NativeEnvironment.QuietNativeLogs();

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C: cancel cooperatively so temp files are removed and the last checkpoint stays intact.
    e.Cancel = true;
    cancel.Cancel();
};

return await Cli.RunAsync(args, Console.Out, Console.Error, cancel.Token).ConfigureAwait(false);
