using System.Collections.Immutable;
using SvqVideo.Torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// SimVP's hyper-parameters, parsed and checked from a <see cref="ModelConfig"/> whose parameter names and
/// defaults are OpenSTL's <c>SimVP_Model</c> ones, plus <c>quantizer_placement</c> (<c>pre</c> | <c>post</c>) and
/// <c>residual</c> (<c>true</c>: forecast the change from the last context frame).
/// </summary>
internal sealed record SimVPSettings
{
    public const string Family = "simvp";

    /// <summary>Every parameter name SimVP understands, with its default (OpenSTL's constructor defaults).</summary>
    public static IReadOnlyDictionary<string, object> Defaults { get; } = new Dictionary<string, object>(StringComparer.Ordinal)
    {
        ["hid_S"] = 16,
        ["hid_T"] = 256,
        ["N_S"] = 4,
        ["N_T"] = 4,
        ["model_type"] = "gSTA",
        ["mlp_ratio"] = 8.0,
        ["drop"] = 0.0,
        ["drop_path"] = 0.0,
        ["spatio_kernel_enc"] = 3,
        ["spatio_kernel_dec"] = 3,
        ["quantizer_placement"] = "pre",
    };

    /// <summary>
    /// Options of ours beyond OpenSTL's constructor, with their defaults. A config that leaves one out gets the
    /// default, and <see cref="DefaultConfig"/> leaves them out, so configs and checkpoints written before an
    /// option existed stay equal to today's.
    /// </summary>
    public static IReadOnlyDictionary<string, object> Options { get; } = new Dictionary<string, object>(StringComparer.Ordinal)
    {
        ["residual"] = false,
        ["warp"] = false,
        ["warp_scale"] = 4.0,
        ["flow_prior"] = false,
    };

    public required int FramesIn { get; init; }

    public required int Channels { get; init; }

    public required int Height { get; init; }

    public required int Width { get; init; }

    public required int HidS { get; init; }

    public required int HidT { get; init; }

    public required int NS { get; init; }

    public required int NT { get; init; }

    /// <summary>Lower-case model_type (<c>gsta</c>, <c>incepu</c>, <c>convmixer</c>, …).</summary>
    public required string ModelType { get; init; }

    public required double MlpRatio { get; init; }

    public required double Drop { get; init; }

    public required double DropPath { get; init; }

    public required int KernelEnc { get; init; }

    public required int KernelDec { get; init; }

    public required QuantizerPlacement Placement { get; init; }

    /// <summary>
    /// Residual forecasting: the network predicts the change from the last context frame, which is added to its
    /// output, and the decoder's readout starts at zero, so an untrained model forecasts exactly that frame.
    /// </summary>
    public required bool Residual { get; init; }

    /// <summary>
    /// Warped residual forecasting (needs <see cref="Residual"/>): the decoder also reads out a flow field per forecast
    /// frame, in pixels, and each forecast frame is the last context frame resampled along that flow (bilinear, edges
    /// repeated) plus the predicted change. Flow and change both start at zero, so an untrained model still forecasts the
    /// last frame; moving content is then learned as displacement rather than as a pixel difference.
    /// </summary>
    public required bool Warp { get; init; }

    /// <summary>
    /// With <see cref="Warp"/>: pixels of displacement per unit of the decoder's flow output. A larger scale lets a short
    /// fit reach larger motions in the same number of optimiser steps (Adam moves each weight by about the learning
    /// rate per step, whatever the gradient's size), at the price of coarser small motions early on.
    /// </summary>
    public required double WarpScale { get; init; }

    /// <summary>
    /// With <see cref="Warp"/>: forecast step k's flow is k times the last context frame's own motion (estimated from
    /// the last two context frames by <see cref="MotionEstimation"/>, without parameters) plus the decoder's flow, so an
    /// untrained model extrapolates the last frame's motion at constant velocity instead of standing still, and training
    /// learns corrections to it. Needs at least two context frames.
    /// </summary>
    public required bool FlowPrior { get; init; }

    /// <summary>The decoder's output channels: the frame's channels, and with <see cref="Warp"/> two more for the flow.</summary>
    public int DecoderChannels => Warp ? Channels + 2 : Channels;

    /// <summary>Spatial reduction factor of the encoder, 2^(N_S/2).</summary>
    public int Scale => 1 << (NS / 2);

    /// <summary>The latent size (h, w) the translator sees.</summary>
    public (int Height, int Width) Latent => (Height / Scale, Width / Scale);

    /// <summary>Channels of the translator input, T·hid_S.</summary>
    public int TranslatorChannels => FramesIn * HidS;

    public bool IsIncepU => ModelType == "incepu";

    /// <summary>Parses and validates <paramref name="config"/>.</summary>
    /// <exception cref="ArgumentException">Wrong family, unknown parameter, unparsable or out-of-range value, or a frame size the encoder cannot halve.</exception>
    public static SimVPSettings From(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        SimVPArguments.Require(string.Equals(config.Family, Family, StringComparison.OrdinalIgnoreCase), "config", $"model family '{config.Family}' is not simvp");
        config.ThrowIfUnknownParameters(Defaults.Keys.Concat(Options.Keys));

        SimVPSettings s;
        try
        {
            s = new SimVPSettings
            {
                FramesIn = config.FramesIn,
                Channels = config.Channels,
                Height = config.Height,
                Width = config.Width,
                HidS = config.GetInt("hid_S", (int)Defaults["hid_S"]),
                HidT = config.GetInt("hid_T", (int)Defaults["hid_T"]),
                NS = config.GetInt("N_S", (int)Defaults["N_S"]),
                NT = config.GetInt("N_T", (int)Defaults["N_T"]),
                ModelType = (config.GetString("model_type", (string)Defaults["model_type"]) ?? "gSTA").Trim().ToLowerInvariant(),
                MlpRatio = config.GetDouble("mlp_ratio", (double)Defaults["mlp_ratio"]),
                Drop = config.GetDouble("drop", (double)Defaults["drop"]),
                DropPath = config.GetDouble("drop_path", (double)Defaults["drop_path"]),
                KernelEnc = config.GetInt("spatio_kernel_enc", (int)Defaults["spatio_kernel_enc"]),
                KernelDec = config.GetInt("spatio_kernel_dec", (int)Defaults["spatio_kernel_dec"]),
                Placement = ParsePlacement(config.GetString("quantizer_placement", "pre")),
                Residual = config.GetBool("residual", (bool)Options["residual"]),
                Warp = config.GetBool("warp", (bool)Options["warp"]),
                WarpScale = config.GetDouble("warp_scale", (double)Options["warp_scale"]),
                FlowPrior = config.GetBool("flow_prior", (bool)Options["flow_prior"]),
            };
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, nameof(config), e);
        }

        s.Validate();
        return s;
    }

    /// <summary>The defaults as a <see cref="ModelConfig"/> parameter map.</summary>
    public static ModelConfig DefaultConfig(int framesIn, int framesOut, int channels, int height, int width)
    {
        var config = new ModelConfig
        {
            Family = Family,
            FramesIn = framesIn,
            FramesOut = framesOut,
            Channels = channels,
            Height = height,
            Width = width,
            Parameters = ImmutableSortedDictionary<string, string>.Empty,
        };
        foreach (var (name, value) in Defaults)
        {
            config = config.With(name, value);
        }

        return config;
    }

    private static QuantizerPlacement ParsePlacement(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "pre" => QuantizerPlacement.Pre,
        "post" => QuantizerPlacement.Post,
        _ => throw SimVPArguments.Invalid("quantizer_placement", $"quantizer_placement must be 'pre' (between encoder and translator) or 'post' (after the translator), got '{value}'"),
    };

    private void Validate()
    {
        SimVPArguments.Require(FramesIn > 0, "FramesIn", $"frames in must be positive, got {FramesIn}");
        SimVPArguments.RequireEncoderShape(Channels, HidS, NS, KernelEnc);
        SimVPArguments.Require(KernelDec > 0 && KernelDec % 2 == 1, "spatio_kernel_dec", $"spatio_kernel_dec must be odd and positive, got {KernelDec}");
        SimVPArguments.Require(NS <= 16, "N_S", $"N_S must be at most 16, got {NS}");
        SimVPArguments.Require(
            Height > 0 && Width > 0 && Height % Scale == 0 && Width % Scale == 0,
            "in_shape",
            $"frame size {Height}x{Width} must be divisible by 2^(N_S/2) = {Scale} (N_S = {NS}); resize or pad the frames, or lower N_S");
        SimVPArguments.Require(NT >= 2, "N_T", $"N_T must be at least 2, got {NT}");
        SimVPArguments.Require(!Warp || Residual, "warp", "warp needs residual: the warped frame is the last context frame moved along the predicted flow");
        SimVPArguments.Require(!FlowPrior || Warp, "flow_prior", "flow_prior needs warp: the prior is a flow the last context frame is moved along");
        SimVPArguments.Require(!FlowPrior || FramesIn >= 2, "flow_prior", $"flow_prior needs at least two context frames to estimate motion from, got {FramesIn}");
        SimVPArguments.Require(double.IsFinite(WarpScale) && WarpScale > 0, "warp_scale", $"warp_scale must be positive, got {WarpScale}");
        SimVPArguments.Require(HidT > 0, "hid_T", $"hid_T must be positive, got {HidT}");
        SimVPArguments.Require(Drop is >= 0 and <= 1, "drop", $"drop must be in [0, 1], got {Drop}");
        SimVPArguments.Require(DropPath is >= 0 and <= 1, "drop_path", $"drop_path must be in [0, 1], got {DropPath}");
        if (!IsIncepU)
        {
            SimVPArguments.Require(MlpRatio > 1, "mlp_ratio", $"mlp_ratio must be greater than 1 (the reference asserts it), got {MlpRatio}");
        }
    }
}
