using System.Text.Json.Nodes;

namespace SvqVideo.Torch;

/// <summary>
/// The JSON manifest stored inside an SvqVideo checkpoint: everything needed to rebuild the model
/// without running code from the file. Immutable.
/// </summary>
public sealed record CheckpointManifest
{
    /// <summary>The format tag this version writes.</summary>
    public const string CurrentFormat = "svqvideo-checkpoint-v1";

    /// <summary>Format tag; readers refuse unknown formats.</summary>
    public string Format { get; init; } = CurrentFormat;

    /// <summary>SDK version (major.minor) of the writer.</summary>
    public string SdkVersion { get; init; } = SvqVideo.SdkVersion.Current.ToString();

    /// <summary>The model's configuration.</summary>
    public required ModelConfig Model { get; init; }

    /// <summary>The quantizer's options, or null for a model without one.</summary>
    public QuantizerOptions? Quantizer { get; init; }

    /// <summary>How frame values are scaled: always <c>0..1</c> (uint8 / 255) in this version.</summary>
    public string ValueScaling { get; init; } = "0..1";

    /// <summary>Channel order of colour frames the model was trained on (<c>RGB</c>, <c>BGR</c> or <c>gray</c>).</summary>
    public string ChannelOrder { get; init; } = "RGB";

    /// <summary>When the checkpoint was written (UTC).</summary>
    public DateTimeOffset CreatedUtc { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Training state (epoch, step, RNG seeds, best validation loss, …), or null for a model-only checkpoint.</summary>
    public JsonObject? Training { get; init; }

    /// <summary>
    /// The manifest of <paramref name="model"/>: its configuration, its quantizer's options, and the channel order
    /// every SvqVideo writer records (<c>gray</c> for one-channel models, <c>RGB</c> otherwise, since the datasets
    /// and video readers hand models RGB frames). <paramref name="training"/> is stored when given.
    /// </summary>
    public static CheckpointManifest For(IForecastModel model, JsonObject? training = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new CheckpointManifest
        {
            Model = model.Config,
            Quantizer = model.Quantizer?.Options,
            ChannelOrder = model.Config.Channels == 1 ? "gray" : "RGB",
            Training = training,
        };
    }
}
