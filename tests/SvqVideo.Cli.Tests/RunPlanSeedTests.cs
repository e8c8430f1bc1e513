using SvqVideo.Hosting;
using SvqVideo.Training;
using static TorchSharp.torch;

namespace SvqVideo.Cli.Tests;

/// <summary>An A/B comparison is fair only if every arm starts from the same model: under one seed the SimVP weights do not depend on the quantizer.</summary>
public sealed class RunPlanSeedTests
{
    private const string PlanTemplate = """
        {
          "dataset": { "kind": "mmnist", "frames_in": 4, "frames_out": 4, "train_clips": 8, "val_clips": 4, "test_clips": 4, "height": 32, "width": 32 },
          "model": { "model_type": "gSTA", "hid_S": 8, "hid_T": 16, "N_S": 2, "N_T": 2 },
          "quantizer": { "kind": "QUANTIZER", "codebook_size": 64 },
          "training": { "epochs": 1, "batch_size": 2 }
        }
        """;

    [Fact]
    public void SameSeedGivesTheSameSimVPWeightsWhateverTheQuantizer()
    {
        using var catalog = PluginCatalog.Load(CliRunner.PluginsFolder);
        Dictionary<string, Tensor> Weights(string quantizer, int seed)
        {
            Trainer.SeedTorch(seed);
            var plan = RunPlan.FromJson(PlanTemplate.Replace("QUANTIZER", quantizer, StringComparison.Ordinal));
            using var model = PlanModels.Build(plan, catalog, new PlanShape(plan));
            return model.Module.state_dict()
                .Where(kv => !kv.Key.StartsWith("vq.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        }

        var none = Weights("none", 7);
        Assert.NotEmpty(none);
        foreach (var quantizer in new[] { "svq", "vq", "lfq" })
        {
            var other = Weights(quantizer, 7);
            Assert.Equal(none.Keys.Order(StringComparer.Ordinal), other.Keys.Order(StringComparer.Ordinal));
            foreach (var (key, value) in none)
            {
                Assert.True(value.equal(other[key]).all().item<bool>(), $"{quantizer}: {key} differs from the model without a quantizer");
            }
        }

        var otherSeed = Weights("none", 8);
        Assert.Contains(none.Keys, k => none[k].dtype == ScalarType.Float32 && !none[k].equal(otherSeed[k]).all().item<bool>());
    }
}
