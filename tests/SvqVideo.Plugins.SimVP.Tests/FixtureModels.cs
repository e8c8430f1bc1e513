using System.Text.Json;
using SvqVideo.Plugins.Svq;
using SvqVideo.Testing;
using SvqVideo.Torch;

namespace SvqVideo.Plugins.SimVP.Tests;

/// <summary>Turns a fixture's reference constructor arguments into SvqVideo's model and quantizer descriptions.</summary>
internal static class FixtureModels
{
    /// <summary>SimVP_Model / SimVPVQ_Model keyword arguments that map one-to-one onto simvp parameters.</summary>
    private static readonly string[] SameName =
        ["hid_S", "hid_T", "N_S", "N_T", "model_type", "mlp_ratio", "drop", "drop_path", "spatio_kernel_enc", "spatio_kernel_dec"];

    /// <summary>Arguments that do not change the eval-mode network (noise injection is training-only; the quantizer is described separately).</summary>
    private static readonly string[] Handled = ["in_shape", "post_vq", "vq_type", "vq_kwargs", "noise", "act_inplace"];

    public static ModelConfig ModelConfig(GoldenFixture fx)
    {
        var c = fx.Config;
        var shape = c.GetProperty("in_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var config = new ModelConfig { Family = "simvp", FramesIn = shape[0], FramesOut = shape[0], Channels = shape[1], Height = shape[2], Width = shape[3] };
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

        if (c.TryGetProperty("post_vq", out var post))
        {
            config = config.With("quantizer_placement", post.GetBoolean() ? "post" : "pre");
        }

        return config;
    }

    /// <summary>The quantizer a simvpvq fixture names (only <c>svq</c> has fixtures).</summary>
    public static IQuantizer Quantizer(GoldenFixture fx)
    {
        var c = fx.Config;
        string type = c.GetProperty("vq_type").GetString() ?? "";
        if (type != "svq")
        {
            throw new InvalidDataException($"{fx.Name}: vq_type '{type}' has no test mapping");
        }

        var k = c.GetProperty("vq_kwargs");
        var options = new QuantizerOptions
        {
            Kind = "svq",
            Dimension = k.GetProperty("input_dim").GetInt32(),
            CodebookSize = k.GetProperty("codebook_size").GetInt32(),
            Frozen = k.TryGetProperty("freeze_codebook", out var f) && f.GetBoolean(),
            Init = k.TryGetProperty("init_method", out var i) ? i.GetString() : null,
        };
        foreach (var name in new[] { "middim", "nonlinear", "hid_relu", "out_relu" })
        {
            if (k.TryGetProperty(name, out var v))
            {
                options = options.With(name, Value(v));
            }
        }

        return new SvqQuantizerFactory().Create(options);
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
