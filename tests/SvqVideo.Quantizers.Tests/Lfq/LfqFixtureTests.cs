using System.Text.Json;
using SvqVideo.Plugins.Lfq;
using SvqVideo.Testing;
using SvqVideo.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace SvqVideo.Quantizers.Tests.Lfq;

/// <summary>LFQ golden fixtures (vector-quantize-pytorch 1.12.5), discovered by kind, on every device.</summary>
public sealed class LfqFixtureTests
{
    public static TheoryData<string, string> LfqFixtures => Fixtures.OnDevices(kind => kind == "vq_lfq");

    internal static QuantizerOptions OptionsFromReference(JsonElement config)
    {
        int codebookSize = config.TryGetProperty("codebook_size", out var k) ? k.GetInt32() : 1 << config.GetProperty("dim").GetInt32();
        var options = new QuantizerOptions
        {
            Kind = "lfq",
            Dimension = config.TryGetProperty("dim", out var d) ? d.GetInt32() : (int)Math.Log2(codebookSize),
            CodebookSize = codebookSize,
        };
        foreach (var p in config.EnumerateObject())
        {
            switch (p.Name)
            {
                case "dim" or "codebook_size":
                    break;
                case "entropy_loss_weight" or "commitment_loss_weight" or "diversity_gamma" or "codebook_scale":
                    options = options.With(p.Name, p.Value.GetDouble());
                    break;
                default:
                    throw new InvalidOperationException($"fixture config key '{p.Name}' has no mapping to quantizer options");
            }
        }

        return options;
    }

    [SkippableTheory]
    [MemberData(nameof(LfqFixtures))]
    public void LfqReproducesTheReferenceInEvalAndTraining(string file, string deviceName) => Check(file, deviceName, fastPath: true);

    [SkippableTheory]
    [MemberData(nameof(LfqFixtures))]
    public void DenseEntropyPathReproducesTheReferenceInEvalAndTraining(string file, string deviceName) => Check(file, deviceName, fastPath: false);

    private static void Check(string file, string deviceName, bool fastPath)
    {
        var device = TestDevices.Require(deviceName);
        using var fx = Fixtures.Load(file);
        using var q = new LookupFreeQuantizer(OptionsFromReference(fx.Config).With("fast_path", fastPath));
        Assert.Equal(fastPath, q.Settings.FastPath);
        fx.LoadInto(q);
        q.to(device);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var input = fx["input"].to(device);
        q.eval();
        var e = q.QuantizeTokens(input);
        q.train();
        var t = q.QuantizeTokens(input);
        var produced = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["output"] = e.Quantized,
            ["indices"] = e.Indices,
            ["aux_loss"] = e.AuxLoss,
            ["train_output"] = t.Quantized,
            ["train_indices"] = t.Indices,
            ["train_aux_loss"] = t.AuxLoss,
            ["train_per_sample_entropy"] = t.PerSampleEntropy,
            ["train_codebook_entropy"] = t.CodebookEntropy,
            ["train_commit_loss"] = t.CommitLoss,
        };
        fx.AssertOutputs(produced, $"on {deviceName} (fast_path={fastPath})");
    }

    [Fact]
    public void EveryCodeDecodesToItsOwnIndex()
    {
        using var q = new LookupFreeQuantizer(new QuantizerOptions { Kind = "lfq", Dimension = 6, CodebookSize = 64 });
        q.eval();
        using var scope = NewDisposeScope();
        var codes = q.AllCodes(zeros(1));
        var r = q.QuantizeTokens(codes.unsqueeze(0));
        Assert.True(r.Indices[0].eq(arange(64, dtype: ScalarType.Int64)).all().item<bool>());
        Assert.True(r.Quantized[0].eq(codes).all().item<bool>());
    }
}
