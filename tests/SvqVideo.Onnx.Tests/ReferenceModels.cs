using System.Text.Json;
using SvqVideo.Testing;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Onnx.Tests;

/// <summary>
/// SimVP models built through the plugins from a golden fixture's reference configuration and weights (the fixtures
/// were made with OpenSTL / SVQ-Forecasting in PyTorch), with any quantizer the catalog offers.
/// </summary>
internal static class ReferenceModels
{
    private static readonly string[] SameName =
        ["hid_S", "hid_T", "N_S", "N_T", "model_type", "mlp_ratio", "drop", "drop_path", "spatio_kernel_enc", "spatio_kernel_dec"];

    private static readonly string[] Ignored = ["in_shape", "post_vq", "vq_type", "vq_kwargs", "noise", "act_inplace"];

    /// <summary>The fixture's SimVP configuration (its quantizer placement included).</summary>
    public static ModelConfig Config(GoldenFixture fx)
    {
        var c = fx.Config;
        var shape = c.GetProperty("in_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var config = Plugins.Catalog.GetModel("simvp").DefaultConfig(shape[0], shape[0], shape[1], shape[2], shape[3]);
        foreach (var prop in c.EnumerateObject())
        {
            if (SameName.Contains(prop.Name))
            {
                config = config.With(prop.Name, Value(prop.Value));
            }
            else if (!Ignored.Contains(prop.Name))
            {
                throw new InvalidDataException($"{fx.Name}: config argument '{prop.Name}' has no simvp equivalent");
            }
        }

        return c.TryGetProperty("post_vq", out var post) ? config.With("quantizer_placement", post.GetBoolean() ? "post" : "pre") : config;
    }

    /// <summary>Small options of a quantizer kind for latents of <paramref name="dimension"/> channels (codebooks small enough for quick tests).</summary>
    public static QuantizerOptions SmallOptions(string kind, int dimension)
    {
        var options = Plugins.Catalog.GetQuantizer(kind).DefaultOptions(dimension);
        return kind switch
        {
            "svq" => (options with { CodebookSize = 64 }).With("middim", 32),
            "vq" or "rvq" => options with { CodebookSize = 64 },
            "lfq" => options with { CodebookSize = 16 },
            _ => options,
        };
    }

    /// <summary>
    /// The fixture's model with quantizer <paramref name="kind"/> (null: none) in eval mode: SimVP's weights from the
    /// fixture (strictly: every key, exact shapes), the quantizer's from the fixture when it has them, else its own
    /// seeded init (<paramref name="draw"/> picks another seed).
    /// </summary>
    public static IForecastModel Build(GoldenFixture fx, string? kind, int draw = 0)
    {
        var model = Create(fx, kind, draw);
        try
        {
            var state = fx.ModelState();
            bool fixtureHasQuantizer = state.Keys.Any(k => k.StartsWith("vq.", StringComparison.Ordinal));
            var target = model.Module.state_dict();
            var expected = target.Keys.Where(k => fixtureHasQuantizer || !k.StartsWith("vq.", StringComparison.Ordinal)).OrderBy(k => k, StringComparer.Ordinal);
            Assert.Equal(expected, state.Keys.OrderBy(k => k, StringComparer.Ordinal));
            using (no_grad())
            {
                foreach (var (key, value) in state)
                {
                    Assert.Equal(target[key].shape, value.shape);
                    target[key].copy_(value);
                }
            }

            model.Module.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The fixture's model with quantizer <paramref name="kind"/> (null: none), freshly initialised (no fixture weights).</summary>
    public static IForecastModel Create(GoldenFixture fx, string? kind, int draw = 0)
    {
        var config = Config(fx);

        // Seeded by the case (and the draw), so a quantizer's random codebook is the same whatever ran before.
        manual_seed(StableSeed($"{fx.Name}/{kind}/{draw}"));
        var quantizer = kind is null ? null : Plugins.Catalog.GetQuantizer(kind).Create(FixtureQuantizerOptions(fx, kind) ?? SmallOptions(kind, config.GetInt("hid_S", 16)));
        return Plugins.Catalog.GetModel("simvp").Create(config, quantizer);
    }

    /// <summary>The quantizer a fixture's reference model has: <c>svq</c> for simvpvq fixtures, none otherwise.</summary>
    public static string? FixtureQuantizer(GoldenFixture fx) => fx.Kind == "simvpvq" ? "svq" : null;

    /// <summary>The SVQ options of a simvpvq fixture (its weights then load too); null for other fixtures or kinds.</summary>
    private static QuantizerOptions? FixtureQuantizerOptions(GoldenFixture fx, string kind)
    {
        if (!fx.Config.TryGetProperty("vq_kwargs", out var k) || kind != "svq")
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
        foreach (var name in new[] { "middim", "nonlinear", "hid_relu", "out_relu" })
        {
            if (k.TryGetProperty(name, out var v))
            {
                options = options.With(name, Value(v));
            }
        }

        return options;
    }

    private static long StableSeed(string text)
    {
        long h = 17;
        foreach (char ch in text)
        {
            h = unchecked((h * 31) + ch);
        }

        return h & 0x7FFFFFFF;
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
