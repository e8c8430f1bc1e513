using System.CommandLine;
using SvqVideo.Cli.Commands;

namespace SvqVideo.Cli;

/// <summary>Builds the command tree and runs it with one-line errors and documented exit codes.</summary>
internal static class Cli
{
    [ThreadStatic]
    private static TextWriter? _stdout;

    [ThreadStatic]
    private static TextWriter? _stderr;

    public static RootCommand Build()
    {
        var root = new RootCommand("svqvideo: video prediction with SimVP and sparse vector quantization (SVQ)");
        GlobalOptions.AddTo(root);
        root.Subcommands.Add(PluginsCommand.Create());
        foreach (var command in CommandRegistry.Extra())
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>Parses and runs; returns the exit code. Output writers can be swapped for tests.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        _stdout = stdout;
        _stderr = stderr;
        var root = Build();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors.OrderBy(e => e.Message.StartsWith("Required command", StringComparison.Ordinal) ? 1 : 0).Take(1))
            {
                stderr.WriteLine($"svqvideo: error: {error.Message} (see svqvideo --help)");
            }

            return ExitCodes.Usage;
        }

        var config = new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
            Output = stdout,
            Error = stderr,
        };
        try
        {
            return await parse.InvokeAsync(config, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return ErrorReporter.Report(e, args.Contains("--verbose"), stderr);
        }
    }

    /// <summary>Runs one command's body inside the shared error handling.</summary>
    public static async Task<int> RunAsync(ParseResult parse, Func<CommandContext, Task<int>> body, CancellationToken ct)
    {
        var stdout = _stdout ?? Console.Out;
        var stderr = _stderr ?? Console.Error;
        using var ctx = new CommandContext(parse, stdout, stderr);
        try
        {
            return await body(ctx).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (ct.IsCancellationRequested && e is OperationCanceledException)
            {
                stderr.WriteLine("svqvideo: cancelled; no partial output was kept");
                return ExitCodes.Cancelled;
            }

            return ErrorReporter.Report(e, ctx.Verbose, stderr);
        }
    }
}
