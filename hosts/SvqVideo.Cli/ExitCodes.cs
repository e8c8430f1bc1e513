namespace SvqVideo.Cli;

/// <summary>The documented process exit codes (README "Exit codes").</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int BadInput = 3;
    public const int Plugin = 4;
    public const int NativeRuntime = 5;
    public const int Output = 6;
    public const int Diverged = 7;
    public const int Unsupported = 8;
    public const int Cancelled = 130;
}
