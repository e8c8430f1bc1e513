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
    /// <summary>The fixture's SimVP configuration (its quantizer placement included) over the plugin's defaults.</summary>
    public static ModelConfig Config(GoldenFixture fx)
    {
        var shape = ReferenceConfigs.InShape(fx);
        return ReferenceConfigs.SimVP(fx, Plugins.Catalog.GetModel("simvp").DefaultConfig(shape[0], shape[0], shape[1], shape[2], shape[3]));
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
        var quantizer = kind is null ? null : Plugins.Catalog.GetQuantizer(kind).Create((kind == "svq" ? ReferenceConfigs.SvqOptions(fx) : null) ?? SmallOptions(kind, config.GetInt("hid_S", 16)));
        return Plugins.Catalog.GetModel("simvp").Create(config, quantizer);
    }

    /// <summary>The quantizer a fixture's reference model has: <c>svq</c> for simvpvq fixtures, none otherwise.</summary>
    public static string? FixtureQuantizer(GoldenFixture fx) => fx.Kind == "simvpvq" ? "svq" : null;

    private static long StableSeed(string text)
    {
        long h = 17;
        foreach (char ch in text)
        {
            h = unchecked((h * 31) + ch);
        }

        return h & 0x7FFFFFFF;
    }
}
