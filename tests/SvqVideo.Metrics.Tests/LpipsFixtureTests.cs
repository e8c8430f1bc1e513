using SvqVideo.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace SvqVideo.Metrics.Tests;

/// <summary>lpips package golden fixtures (kind <c>lpips_alex</c>), on every available device.</summary>
public sealed class LpipsFixtureTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Fixtures.Find(k => k == "lpips_alex"))
        {
            foreach (var device in TestDevices.Names)
            {
                data.Add(Fixtures.RelativePath(file), device);
            }
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void LpipsReproducesDistanceAndEveryLayerForRgbAndGrayPairs(string file, string device)
    {
        Skip.IfNot(TestDevices.IsAvailable(device), TestDevices.NoCudaReason);
        using var fx = Fixtures.Load(file);
        Assert.Equal("alex", fx.Config.GetProperty("net").GetString());
        Assert.Equal("0.1", fx.Config.GetProperty("version").GetString());
        var dev = TestDevices.TryGet(device)!;
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

        Assert.NotEmpty(fx.Outputs);
        foreach (var name in fx.Outputs)
        {
            Assert.True(computed.ContainsKey(name), $"{file}: output '{name}' has no computation in this test");
            TensorAssert.Close(fx[name], computed[name], fx.Atol, fx.Rtol, $"{file}:{name}");
        }
    }
}
