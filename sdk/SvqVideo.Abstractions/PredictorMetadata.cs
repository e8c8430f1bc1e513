namespace SvqVideo;

/// <summary>
/// Describes a loaded predictor: what it is and the clip shape it consumes and produces.
/// Immutable and thread-safe.
/// </summary>
/// <param name="Name">Registry name of the predictor family, e.g. <c>simvp</c>.</param>
/// <param name="Version">Version of the plugin that implements it.</param>
/// <param name="SdkMajor">The SDK major version the plugin was built against.</param>
/// <param name="FramesIn">Context frames the model consumes (T_in).</param>
/// <param name="FramesOut">Frames one forward pass produces (the trained horizon).</param>
/// <param name="Channels">Channels per frame.</param>
/// <param name="Height">Frame height the model works at; inputs of another size must be resized by the host.</param>
/// <param name="Width">Frame width the model works at.</param>
public sealed record PredictorMetadata(
    string Name,
    string Version,
    int SdkMajor,
    int FramesIn,
    int FramesOut,
    int Channels,
    int Height,
    int Width)
{
    /// <summary>Free-text description (model and quantizer configuration), for display.</summary>
    public string Description { get; init; } = "";
}
