using System.Globalization;
using Spectre.Console;

namespace SvqVideo.Cli;

/// <summary>
/// Table width for output that is not a terminal: Spectre assumes 80 columns there and wraps wide tables cell by cell.
/// Honours <c>$COLUMNS</c> (as shells and CI runners set it) when the console's own width is not measured.
/// </summary>
internal static class ConsoleWidth
{
    public static void FromEnvironment(IAnsiConsole console)
    {
        if (!console.Profile.Capabilities.Interactive
            && int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int columns)
            && columns > console.Profile.Width)
        {
            console.Profile.Width = columns;
        }
    }
}
