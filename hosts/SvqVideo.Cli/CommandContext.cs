using System.CommandLine;
using Spectre.Console;
using SvqVideo.Hosting;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Cli;

/// <summary>What a command needs from the global options, created once per invocation.</summary>
internal sealed class CommandContext : IDisposable
{
    private PluginCatalog? _catalog;

    public CommandContext(ParseResult parse, TextWriter stdout, TextWriter stderr)
    {
        Parse = parse;
        Stdout = stdout;
        Stderr = stderr;
        Json = parse.GetValue(GlobalOptions.Json);
        Verbose = parse.GetValue(GlobalOptions.Verbose);
        Seed = parse.GetValue(GlobalOptions.Seed);
        Threads = parse.GetValue(GlobalOptions.Threads);
        DeviceName = parse.GetValue(GlobalOptions.Device) ?? "auto";
        PluginOption = parse.GetValue(GlobalOptions.Plugins);

        // Progress, tables for humans and logs go to stderr; stdout carries results (and only JSON with --json).
        Ui = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
        Out = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
    }

    public ParseResult Parse { get; }

    public TextWriter Stdout { get; }

    public TextWriter Stderr { get; }

    public bool Json { get; }

    public bool Verbose { get; }

    public int Seed { get; }

    public int Threads { get; }

    public string DeviceName { get; }

    public string? PluginOption { get; }

    public IAnsiConsole Ui { get; }

    public IAnsiConsole Out { get; }

    /// <summary>Loads libtorch (with a clear error when it cannot), applies --threads and --seed, resolves --device.</summary>
    public Device InitTorch()
    {
        NativeAllocator.TuneForTensors();
        NativeRuntime.EnsureTorch();
        if (Threads > 0)
        {
            set_num_threads(Threads);
        }

        manual_seed(Seed);
        try
        {
            return TorchDevices.Resolve(DeviceName);
        }
        catch (ArgumentException e)
        {
            string hint = DeviceName.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) ? "; a CUDA build of this CLI is made with -p:TorchBackend=cuda" : "";
            throw new CliException(ExitCodes.Usage, $"--device {DeviceName}: {e.Message}{hint}", e);
        }
    }

    public PluginCatalog Catalog(bool strict = false)
    {
        if (_catalog is null)
        {
            NativeRuntime.EnsureTorch();
            _catalog = PluginFolder.Load(PluginOption, new PluginCatalogOptions { Strict = strict });
        }

        return _catalog;
    }

    /// <summary>
    /// The model an SvqVideo checkpoint describes, rebuilt through the plugins (<see cref="Checkpoint.LoadModel"/>),
    /// in evaluation mode; the caller owns it. A model family or quantizer no plugin provides is a plugin problem.
    /// </summary>
    public IForecastModel LoadModel(string checkpoint)
    {
        IForecastModel model;
        try
        {
            model = Checkpoint.LoadModel(checkpoint, Catalog());
        }
        catch (KeyNotFoundException e)
        {
            throw new CliException(ExitCodes.Plugin, $"{e.Message} (plugin folder: {Catalog().Folder})", e);
        }
        catch (InvalidDataException e)
        {
            throw new CliException(ExitCodes.BadInput, $"{e.Message} (SvqVideo checkpoints come from 'svqvideo train'; convert a PyTorch state dict with 'svqvideo import')", e);
        }

        model.Module.eval();
        return model;
    }

    public void Dispose() => _catalog?.Dispose();
}
