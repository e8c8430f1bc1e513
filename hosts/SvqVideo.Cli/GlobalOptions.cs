using System.CommandLine;

namespace SvqVideo.Cli;

/// <summary>Options every command accepts (declared recursive on the root).</summary>
internal static class GlobalOptions
{
    public static readonly Option<string> Device = new("--device")
    {
        Description = "Compute device: auto (CUDA when available), cpu, cuda or cuda:N",
        DefaultValueFactory = _ => "auto",
        Recursive = true,
    };

    public static readonly Option<int> Threads = new("--threads")
    {
        Description = "CPU threads for tensor maths (0 = libtorch's default)",
        DefaultValueFactory = _ => 0,
        Recursive = true,
    };

    public static readonly Option<int> Seed = new("--seed")
    {
        Description = "Random seed (runs with the same seed are reproducible on CPU)",
        DefaultValueFactory = _ => 42,
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print only JSON on stdout (progress and logs go to stderr)",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Print stack traces with errors",
        Recursive = true,
    };

    public static readonly Option<string?> Plugins = new("--plugins")
    {
        Description = "Plugin folder (default: $SVQVIDEO_PLUGINS, else the build's artifacts/plugins)",
        Recursive = true,
    };

    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Device);
        root.Options.Add(Threads);
        root.Options.Add(Seed);
        root.Options.Add(Json);
        root.Options.Add(Verbose);
        root.Options.Add(Plugins);
    }
}
