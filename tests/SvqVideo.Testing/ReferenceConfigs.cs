using System.Text.Json;
using SvqVideo.Torch;

namespace SvqVideo.Testing;

/// <summary>
/// A golden fixture's reference constructor arguments (OpenSTL's SimVP_Model / SVQ-Forecasting's SimVPVQ_Model) as
/// SvqVideo's model and quantizer descriptions: the one mapping every test project that rebuilds a fixture's model uses.
/// </summary>
public static class ReferenceConfigs
{
    /// <summary>Keyword arguments that map one-to-one onto simvp parameters.</summary>
    private static readonly string[] SameName =
        ["hid_S", "hid_T", "N_S", "N_T", "model_type", "mlp_ratio", "drop", "drop_path", "spatio_kernel_enc", "spatio_kernel_dec"];

    /// <summary>Arguments handled elsewhere or that do not change the eval-mode network (noise injection is training-only).</summary>
    private static readonly string[] Handled = ["in_shape", "post_vq", "vq_type", "vq_kwargs", "noise", "act_inplace"];

    /// <summary>SVQ keyword arguments that map one-to-one onto svq parameters.</summary>
    private static readonly string[] SvqSameName = ["middim", "nonlinear", "hid_relu", "out_relu"];

    /// <summary>
    /// The fixture's simvp configuration, its quantizer placement included, applied over <paramref name="start"/> (for
    /// example the plugin's defaults for the fixture's shape) or, when null, over a configuration of the shape alone.
    /// </summary>
    /// <exception cref="InvalidDataException">The fixture has an argument with no simvp equivalent.</exception>
    public static ModelConfig SimVP(GoldenFixture fx, ModelConfig? start = null)
    {
        ArgumentNullException.ThrowIfNull(fx);
        var c = fx.Config;
        var shape = InShape(fx);
        var config = start ?? new ModelConfig { Family = "simvp", FramesIn = shape[0], FramesOut = shape[0], Channels = shape[1], Height = shape[2], Width = shape[3] };
        foreach (var prop in c.EnumerateObject())
        {
            if (SameName.Contains(prop.Name))
            {
                config = config.With(prop.Name, Value(prop.Value));
            }
            else if (!Handled.Contains(prop.Name))
            {
                throw new InvalidDataException($"{fx.Name}: config argument '{prop.Name}' has no simvp equivalent");
            }
        }

        return c.TryGetProperty("post_vq", out var post) ? config.With("quantizer_placement", post.GetBoolean() ? "post" : "pre") : config;
    }

    /// <summary>The fixture's <c>in_shape</c>: (T, C, H, W).</summary>
    public static int[] InShape(GoldenFixture fx)
    {
        ArgumentNullException.ThrowIfNull(fx);
        return [.. fx.Config.GetProperty("in_shape").EnumerateArray().Select(e => e.GetInt32())];
    }

    /// <summary>The SVQ options of a fixture's <c>vq_kwargs</c> (its weights then load too), or null when it has none.</summary>
    public static QuantizerOptions? SvqOptions(GoldenFixture fx)
    {
        ArgumentNullException.ThrowIfNull(fx);
        if (!fx.Config.TryGetProperty("vq_kwargs", out var k))
        {
            return null;
        }

        var options = new QuantizerOptions
        {
            Kind = "svq",
            Dimension = k.GetProperty("input_dim").GetInt32(),
            CodebookSize = k.GetProperty("codebook_size").GetInt32(),
            Frozen = k.TryGetProperty("freeze_codebook", out var f) && f.GetBoolean(),
            Init = k.TryGetProperty("init_method", out var i) ? i.GetString() : null,
        };
        foreach (var name in SvqSameName)
        {
            if (k.TryGetProperty(name, out var v))
            {
                options = options.With(name, Value(v));
            }
        }

        return options;
    }

    private static object Value(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number when e.TryGetInt32(out var n) => n,
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => e.GetString()!,
        _ => throw new InvalidDataException($"unsupported config value {e}"),
    };
}
