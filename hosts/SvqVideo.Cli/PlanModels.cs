using System.Text.Json.Nodes;
using SvqVideo.Datasets;
using SvqVideo.Hosting;
using SvqVideo.Torch;
using TorchSharp;

namespace SvqVideo.Cli;

/// <summary>Builds the model and quantizer a <see cref="RunPlan"/>'s <c>model</c> and <c>quantizer</c> sections name, through the plugins.</summary>
internal static class PlanModels
{
    /// <summary>Builds the model (and its quantizer) through the plugins named by the plan.</summary>
    public static IForecastModel Build(RunPlan plan, PluginCatalog catalog, IClipDataset shape)
    {
        var factory = catalog.GetModel(RunPlan.Str(plan.Model, "family", "simvp"));
        var config = factory.DefaultConfig(shape.FramesIn, shape.FramesOut, shape.Channels, shape.Height, shape.Width);
        foreach (var (key, value) in plan.Model)
        {
            if (key is "family" || value is null)
            {
                continue;
            }

            config = config.With(key, RunPlan.Text(value));
        }

        // The quantizer draws from its own stream (seeded from the current one), and the model's weights then
        // start from the same generator state whatever the quantizer drew: under one seed every arm of an A/B
        // run, `none` included, starts from identical SimVP weights.
        long quantizerSeed = torch.randint(0, int.MaxValue, [1], dtype: torch.ScalarType.Int64).item<long>();
        using var modelState = torch.get_rng_state();
        torch.manual_seed(quantizerSeed);
        var q = BuildQuantizer(plan, catalog, config.GetInt("hid_S", 16));
        torch.set_rng_state(modelState);
        try
        {
            return factory.Create(config, q);
        }
        catch
        {
            q?.Dispose();
            throw;
        }
    }

    public static QuantizerOptions? QuantizerOptions(RunPlan plan, PluginCatalog catalog, int dimension)
    {
        string kind = RunPlan.Str(plan.Quantizer, "kind", "none").ToLowerInvariant();
        if (kind is "none" or "")
        {
            return null;
        }

        var factory = catalog.GetQuantizer(kind);
        var o = factory.DefaultOptions(dimension);
        o = o with
        {
            CodebookSize = RunPlan.Int(plan.Quantizer, "codebook_size", o.CodebookSize),
            Frozen = RunPlan.Bool(plan.Quantizer, "frozen", o.Frozen),
            Init = plan.Quantizer["init"] is { } init ? RunPlan.Text(init) : o.Init,
        };
        if (plan.Quantizer["params"] is JsonObject extra)
        {
            foreach (var (k, v) in extra)
            {
                o = o.With(k, v is null ? "" : RunPlan.Text(v));
            }
        }

        return o;
    }

    private static IQuantizer? BuildQuantizer(RunPlan plan, PluginCatalog catalog, int dimension)
    {
        var o = QuantizerOptions(plan, catalog, dimension);
        return o is null ? null : catalog.GetQuantizer(o.Kind).Create(o);
    }
}
