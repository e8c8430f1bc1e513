using System.Text.Json;
using SvqVideo.Plugins.Vq;
using SvqVideo.Testing;
using SvqVideo.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace SvqVideo.Quantizers.Tests.Vq;

/// <summary>VectorQuantize and ResidualVQ golden fixtures (vector-quantize-pytorch 1.12.5), discovered by kind, on every device.</summary>
public sealed class VqFixtureTests
{
    private static readonly Func<string, bool> EvalKinds = kind => kind is "vq_vectorquantize" or "vq_residualvq";

    public static TheoryData<string> EvalFixtures => Fixtures.Names(EvalKinds);

    public static TheoryData<string, string> EvalFixturesOnDevices => Fixtures.OnDevices(EvalKinds);

    public static TheoryData<string, string> TrainFixturesOnDevices => Fixtures.OnDevices(kind => kind is "vq_vectorquantize_train" or "vq_residualvq_train");

    /// <summary>Maps the reference constructor's keyword arguments to quantizer options.</summary>
    internal static QuantizerOptions OptionsFromReference(string kind, JsonElement config)
    {
        bool residual = kind.StartsWith("vq_residualvq", StringComparison.Ordinal);
        var options = new QuantizerOptions
        {
            Kind = residual ? "rvq" : "vq",
            Dimension = config.GetProperty("dim").GetInt32(),
            CodebookSize = config.GetProperty("codebook_size").GetInt32(),
        };
        foreach (var p in config.EnumerateObject())
        {
            switch (p.Name)
            {
                case "dim" or "codebook_size":
                    break;
                case "decay" or "commitment_weight" or "threshold_ema_dead_code" or "eps":
                    options = options.With(p.Name, p.Value.GetDouble());
                    break;
                case "num_quantizers" or "kmeans_iters":
                    options = options.With(p.Name, p.Value.GetInt32());
                    break;
                case "shared_codebook" or "kmeans_init":
                    options = options.With(p.Name, p.Value.GetBoolean());
                    break;
                default:
                    throw new InvalidOperationException($"fixture config key '{p.Name}' has no mapping to quantizer options");
            }
        }

        if (residual && !config.TryGetProperty("shared_codebook", out _))
        {
            options = options.With("shared_codebook", false); // the reference's constructor default
        }

        return options;
    }

    private static QuantizerModule Build(GoldenFixture fx, Device? device = null)
    {
        var options = OptionsFromReference(fx.Kind, fx.Config);
        QuantizerModule q = options.Kind == "rvq" ? new ResidualVectorQuantizer(options) : new VectorQuantizer(options);
        fx.LoadInto(q);
        q.to(device ?? CPU);
        return q;
    }

    private static VqTokenOutput Run(QuantizerModule q, Tensor tokens, bool? freezeCodebook) => q switch
    {
        ResidualVectorQuantizer r => r.QuantizeTokens(tokens, freezeCodebook),
        VectorQuantizer v => v.QuantizeTokens(tokens, freezeCodebook),
        _ => throw new InvalidOperationException(q.GetType().Name),
    };

    [SkippableTheory]
    [MemberData(nameof(EvalFixturesOnDevices))]
    public void LookupQuantizerReproducesTheReferenceInEvalAndFrozenTraining(string file, string deviceName)
    {
        var device = TestDevices.Require(deviceName);
        using var fx = Fixtures.Load(file);
        using var q = Build(fx, device);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var input = fx["input"].to(device);
        var produced = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        q.eval();
        var e = Run(q, input, null);
        produced["output"] = e.Quantized;
        produced["indices"] = e.Indices;
        produced["loss"] = e.Loss;
        q.train();
        var t = Run(q, input, freezeCodebook: true);
        produced["train_output"] = t.Quantized;
        produced["train_indices"] = t.Indices;
        produced["train_loss"] = t.Loss;
        fx.AssertOutputs(produced, $"on {deviceName}");
    }

    [SkippableTheory]
    [MemberData(nameof(TrainFixturesOnDevices))]
    public void OneEmaTrainingStepReproducesTheReferenceOutputsAndBuffers(string file, string deviceName)
    {
        var device = TestDevices.Require(deviceName);
        using var fx = Fixtures.Load(file);
        using var q = Build(fx, device);
        if (fx.Tensors.TryGetValue("replacement_indices", out var rows))
        {
            foreach (var codebook in q.modules().OfType<EuclideanCodebook>())
            {
                codebook.RowSampler = (count, n, device) =>
                {
                    Assert.True(n == rows.shape[0], $"{fx.Name}: {n} codes expired, the fixture replaced {rows.shape[0]}");
                    return rows.to(device);
                };
            }
        }

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        q.train();
        var r = Run(q, fx["input"].to(device), null);
        var produced = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["output"] = r.Quantized,
            ["indices"] = r.Indices,
            ["loss"] = r.Loss,
            ["expired"] = r.Expired,
        };
        foreach (var (key, value) in q.state_dict())
        {
            produced["after." + key] = value;
        }

        fx.AssertOutputs(produced, $"on {deviceName}");
    }

    [Theory]
    [MemberData(nameof(EvalFixtures))]
    public void StateDictKeysAndShapesEqualTheReference(string file)
    {
        using var fx = Fixtures.Load(file);
        using var q = Build(fx);
        var expected = fx.ModelState().ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value.shape));
        var actual = q.state_dict().ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value.shape));
        Assert.Equal(expected.OrderBy(kv => kv.Key), actual.OrderBy(kv => kv.Key));
    }
}
