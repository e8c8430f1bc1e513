using SvqVideo.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace SvqVideo.Metrics.Tests;

/// <summary>lpips package golden fixtures (kind <c>lpips_alex</c>), on every available device.</summary>
public sealed class LpipsFixtureTests
{
    public static TheoryData<string, string> Cases() => Fixtures.OnDevices(k => k == "lpips_alex");

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void LpipsReproducesDistanceAndEveryLayerForRgbAndGrayPairs(string file, string device)
    {
        var dev = TestDevices.Require(device);
        using var fx = Fixtures.Load(file);
        Assert.Equal("alex", fx.Config.GetProperty("net").GetString());
        Assert.Equal("0.1", fx.Config.GetProperty("version").GetString());
        using var lpips = new Lpips();
        fx.LoadInto(lpips);
        lpips.to(dev);
        using var inference = inference_mode();
        using var scope = NewDisposeScope();

        var computed = new Dictionary<string, Tensor>();
        foreach (var (prefix, in0, in1) in new[] { ("", "input0", "input1"), ("gray_", "gray0", "gray1") })
        {
            var (distance, layers) = lpips.ForwardWithLayers(fx[in0].to(dev), fx[in1].to(dev));
            computed[prefix + "output"] = distance;
            for (int k = 0; k < layers.Length; k++)
            {
                computed[$"{prefix}layer{k}"] = layers[k];
            }
        }

        fx.AssertOutputs(computed, $"on {device}");
    }
}
