using System.Globalization;

namespace SvqVideo.Cli;

/// <summary>Parses frame sizes written like <c>64x64</c> (width × height).</summary>
internal static class Sizes
{
    public static (int Width, int Height) Parse(string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h)
            && w > 0 && h > 0)
        {
            return (w, h);
        }

        throw new CliException(ExitCodes.Usage, $"invalid size '{text}' (write it like 64x64)");
    }
}
