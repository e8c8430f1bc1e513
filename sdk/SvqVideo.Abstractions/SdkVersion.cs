namespace SvqVideo;

/// <summary>
/// The version of the SvqVideo SDK contract. Its <see cref="Major"/> is part of the plugin contract:
/// a host refuses a plugin compiled against another major version. These constants are the one source of the
/// SDK version: the build reads them (Directory.Build.props) to version the SDK assemblies, whose version a
/// plugin records as the SDK it was built against.
/// </summary>
public static class SdkVersion
{
    /// <summary>The SDK's major version. Changes only with a breaking change of any SDK surface.</summary>
    public const int Major = 1;

    /// <summary>The SDK's minor version. Grows with additive, compatible changes.</summary>
    public const int Minor = 0;

    /// <summary>The full SDK version as major.minor.</summary>
    public static Version Current { get; } = new(Major, Minor);
}
