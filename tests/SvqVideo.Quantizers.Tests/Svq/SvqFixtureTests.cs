using System.Text.Json;
using SvqVideo.Plugins.Svq;
using SvqVideo.Testing;
using SvqVideo.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace SvqVideo.Quantizers.Tests.Svq;

/// <summary>The official SVQ module's golden fixtures (kind <c>svq</c>), discovered by kind, on every device.</summary>
public sealed class SvqFixtureTests
{
    public static TheoryData<string> SvqFixtures => Fixtures.Names(kind => kind == "svq");

    public static TheoryData<string, string> SvqFixturesOnDevices => Fixtures.OnDevices(kind => kind == "svq");

    /// <summary>Maps the reference constructor's keyword arguments to quantizer options.</summary>
    internal static QuantizerOptions OptionsFromReference(JsonElement config)
    {
        var options = new QuantizerOptions
        {
            Kind = "svq",
            Dimension = config.GetProperty("input_dim").GetInt32(),
            CodebookSize = config.GetProperty("codebook_size").GetInt32(),
            Frozen = config.TryGetProperty("freeze_codebook", out var f) && f.GetBoolean(),
            Init = config.TryGetProperty("init_method", out var i) ? i.GetString() : "normal",
        };
        foreach (var name in new[] { "nonlinear", "hid_relu", "out_relu" })
        {
            if (config.TryGetProperty(name, out var v))
            {
                options = options.With(name, v.GetBoolean());
            }
        }

        if (config.TryGetProperty("middim", out var m))
        {
            options = options.With("middim", m.GetInt32());
        }

        return options;
    }

    [SkippableTheory]
    [MemberData(nameof(SvqFixturesOnDevices))]
    public void SvqReproducesTheReferenceOutputsAndWeights(string file, string deviceName)
    {
        var device = TestDevices.Require(deviceName);
        using var fx = Fixtures.Load(file);
        foreach (bool fastPath in new[] { true, false })
        {
            using var q = new SvqQuantizer(OptionsFromReference(fx.Config).With("fast_path", fastPath));
            fx.LoadInto(q);
            q.to(device).eval();
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var input = fx["input"].to(device);
            var tokens = input.permute(0, 2, 3, 1).reshape(input.shape[0], -1, input.shape[1]);
            var produced = new Dictionary<string, Tensor>(StringComparer.Ordinal)
            {
                ["output"] = q.Quantize(input).Quantized,
                ["weights"] = q.ForwardExplicit(tokens).Weights,
            };
            fx.AssertOutputs(produced, $"on {deviceName} (fast_path={fastPath})");
        }
    }

    [Theory]
    [MemberData(nameof(SvqFixtures))]
    public void SvqStateDictKeysAndShapesEqualTheReference(string file)
    {
        using var fx = Fixtures.Load(file);
        using var q = new SvqQuantizer(OptionsFromReference(fx.Config));
        var expected = fx.ModelState().ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value.shape));
        var actual = q.state_dict().ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value.shape));
        Assert.Equal(expected.OrderBy(kv => kv.Key), actual.OrderBy(kv => kv.Key));
        Assert.Equal(!(fx.Config.TryGetProperty("freeze_codebook", out var f) && f.GetBoolean()), q.Codebook.requires_grad);
    }
}
