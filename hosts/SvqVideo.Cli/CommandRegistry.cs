using System.CommandLine;

namespace SvqVideo.Cli;

/// <summary>The commands beyond <c>plugins</c>, in the order --help lists them.</summary>
internal static class CommandRegistry
{
    public static IEnumerable<Command> Extra()
    {
        yield return Commands.DemoCommand.Create();
        yield return Commands.TrainCommand.Create();
        yield return Commands.ForecastCommand.Create();
        yield return Commands.MetricsCommand.Create();
        yield return Commands.EvalCommand.Create();
        yield return Commands.AbCommand.Create();
        yield return Commands.ImportCommand.Create();
        yield return Commands.ExportCommand.Create();
    }
}
