namespace SvqVideo.TestPlugins.NotAPlugin;

/// <summary>Nothing a host could use.</summary>
public static class NoContract
{
    public static int Answer => 42;
}
