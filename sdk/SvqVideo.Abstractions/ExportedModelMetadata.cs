using System.Globalization;

namespace SvqVideo;

/// <summary>
/// The metadata block SvqVideo writes into an exported model file (ONNX <c>metadata_props</c>, every key
/// prefixed <c>svqvideo.</c>), and the rest of that file's public contract: the input and output names
/// and their shapes. Exporters write it with <see cref="ToProperties"/>; predictors read it with
/// <see cref="FromProperties"/>. Immutable and thread-safe.
/// <para>
/// The graph maps <see cref="InputName"/>, float32 (batch, <see cref="FramesIn"/>, <see cref="Channels"/>,
/// <see cref="Height"/>, <see cref="Width"/>), to <see cref="OutputName"/>, float32 (batch,
/// <see cref="FramesPerPass"/>, C, H, W): one forward pass, values unclipped; only the batch axis is dynamic
/// (named <see cref="BatchAxis"/>). Longer forecasts are rolled out by the caller (feed the unclipped output
/// back as the next context); clip to [0, 1] at the end. The names, shapes and keys are versioned by
/// <see cref="Contract"/>: a reader refuses a file whose contract it does not know.
/// </para>
/// </summary>
public sealed record ExportedModelMetadata
{
    /// <summary>The contract version this SDK writes and reads.</summary>
    public const int CurrentContract = 1;

    /// <summary>Prefix of every metadata key.</summary>
    public const string KeyPrefix = "svqvideo.";

    /// <summary>Name of the graph's input: context frames (batch, T_in, C, H, W), float32 in [0, 1].</summary>
    public const string InputName = "frames";

    /// <summary>Name of the graph's output: one pass's forecast (batch, frames per pass, C, H, W), float32, unclipped.</summary>
    public const string OutputName = "prediction";

    /// <summary>Symbolic name of the dynamic batch axis (axis 0 of input and output).</summary>
    public const string BatchAxis = "batch";

    /// <summary>Contract version of the file (see <see cref="CurrentContract"/>).</summary>
    public int Contract { get; init; } = CurrentContract;

    /// <summary>Model family, e.g. <c>simvp</c>.</summary>
    public required string Family { get; init; }

    /// <summary>Family-specific architecture name (SimVP: the translator's model_type, e.g. <c>gSTA</c>); empty when none.</summary>
    public string ModelType { get; init; } = "";

    /// <summary>Quantizer kind in the latent space (<c>none</c> when there is none).</summary>
    public string Quantizer { get; init; } = "none";

    /// <summary>Context frames T_in the graph consumes.</summary>
    public required int FramesIn { get; init; }

    /// <summary>The trained horizon (the predictor's default number of frames to forecast).</summary>
    public required int FramesOut { get; init; }

    /// <summary>Frames one pass of the graph produces (SimVP: T_in).</summary>
    public required int FramesPerPass { get; init; }

    /// <summary>Channels per frame.</summary>
    public required int Channels { get; init; }

    /// <summary>Frame height.</summary>
    public required int Height { get; init; }

    /// <summary>Frame width.</summary>
    public required int Width { get; init; }

    /// <summary>Channel order of the training frames: <c>gray</c>, <c>RGB</c> or <c>BGR</c>.</summary>
    public string ChannelOrder { get; init; } = "gray";

    /// <summary>How frame values are scaled: <c>0..1</c> (uint8 / 255).</summary>
    public string ValueScaling { get; init; } = "0..1";

    /// <summary>
    /// True when the model forecasts the change from the last context frame. Informational: the graph already
    /// adds the last context frame, so a caller does nothing extra.
    /// </summary>
    public bool Residual { get; init; }

    /// <summary>Version (major.minor) of the SDK that wrote the file.</summary>
    public string SdkVersion { get; init; } = SvqVideo.SdkVersion.Current.ToString();

    /// <summary>SHA-256 (lower-case hex) of the checkpoint the file was exported from; empty when unknown.</summary>
    public string SourceSha256 { get; init; } = "";

    /// <summary>The ONNX opset (ai.onnx domain) the graph is written for; 0 when not recorded.</summary>
    public int Opset { get; init; }

    /// <summary>The source checkpoint's model and quantizer configuration as JSON, for provenance; empty when unknown.</summary>
    public string Configuration { get; init; } = "";

    /// <summary>The block as <c>svqvideo.*</c> key/value strings (invariant culture).</summary>
    public IReadOnlyDictionary<string, string> ToProperties()
    {
        var c = CultureInfo.InvariantCulture;
        return new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [KeyPrefix + "contract"] = Contract.ToString(c),
            [KeyPrefix + "family"] = Family,
            [KeyPrefix + "model_type"] = ModelType,
            [KeyPrefix + "quantizer"] = Quantizer,
            [KeyPrefix + "frames_in"] = FramesIn.ToString(c),
            [KeyPrefix + "frames_out"] = FramesOut.ToString(c),
            [KeyPrefix + "frames_per_pass"] = FramesPerPass.ToString(c),
            [KeyPrefix + "channels"] = Channels.ToString(c),
            [KeyPrefix + "height"] = Height.ToString(c),
            [KeyPrefix + "width"] = Width.ToString(c),
            [KeyPrefix + "channel_order"] = ChannelOrder,
            [KeyPrefix + "value_scaling"] = ValueScaling,
            [KeyPrefix + "residual"] = Residual ? "true" : "false",
            [KeyPrefix + "sdk_version"] = SdkVersion,
            [KeyPrefix + "source_sha256"] = SourceSha256,
            [KeyPrefix + "opset"] = Opset.ToString(c),
            [KeyPrefix + "input"] = InputName,
            [KeyPrefix + "output"] = OutputName,
            [KeyPrefix + "configuration"] = Configuration,
        };
    }

    /// <summary>
    /// Reads the block from a model file's metadata. <paramref name="source"/> names the file in error messages.
    /// </summary>
    /// <exception cref="InvalidDataException">No SvqVideo block, another contract version, or a missing or invalid entry (one line naming it).</exception>
    public static ExportedModelMetadata FromProperties(IReadOnlyDictionary<string, string> properties, string source)
    {
        ArgumentNullException.ThrowIfNull(properties);
        if (!properties.TryGetValue(KeyPrefix + "contract", out var contractText))
        {
            throw new InvalidDataException($"{source}: not an SvqVideo export (the model has no '{KeyPrefix}contract' metadata; SvqVideo exports are written by SvqVideo.Onnx's OnnxExporter)");
        }

        if (!int.TryParse(contractText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int contract) || contract != CurrentContract)
        {
            throw new InvalidDataException($"{source}: SvqVideo export contract '{contractText}' is not the one this SDK reads ({CurrentContract}); re-export the checkpoint with this version");
        }

        string Text(string key) => properties.TryGetValue(KeyPrefix + key, out var v)
            ? v : throw new InvalidDataException($"{source}: SvqVideo export metadata lacks '{KeyPrefix}{key}'");
        int Positive(string key) => int.TryParse(Text(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n : throw new InvalidDataException($"{source}: SvqVideo export metadata '{KeyPrefix}{key}' must be a positive integer, got '{Text(key)}'");

        string input = Text("input"), output = Text("output");
        if (input != InputName || output != OutputName)
        {
            throw new InvalidDataException($"{source}: SvqVideo export names its tensors '{input}' -> '{output}', contract {CurrentContract} uses '{InputName}' -> '{OutputName}'");
        }

        string residual = Text("residual");
        return new ExportedModelMetadata
        {
            Contract = contract,
            Family = Text("family"),
            ModelType = Text("model_type"),
            Quantizer = Text("quantizer"),
            FramesIn = Positive("frames_in"),
            FramesOut = Positive("frames_out"),
            FramesPerPass = Positive("frames_per_pass"),
            Channels = Positive("channels"),
            Height = Positive("height"),
            Width = Positive("width"),
            ChannelOrder = Text("channel_order"),
            ValueScaling = Text("value_scaling"),
            Residual = residual is "true" ? true : residual is "false" ? false
                : throw new InvalidDataException($"{source}: SvqVideo export metadata '{KeyPrefix}residual' must be true or false, got '{residual}'"),
            SdkVersion = Text("sdk_version"),
            SourceSha256 = properties.TryGetValue(KeyPrefix + "source_sha256", out var sha) ? sha : "",
            Opset = int.TryParse(properties.TryGetValue(KeyPrefix + "opset", out var o) ? o : "0", NumberStyles.Integer, CultureInfo.InvariantCulture, out int opset) ? opset : 0,
            Configuration = properties.TryGetValue(KeyPrefix + "configuration", out var cfg) ? cfg : "",
        };
    }
}
