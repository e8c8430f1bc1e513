using SvqVideo.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Tests;

/// <summary>Training-mode behaviour: gradients reach every trainable tensor, stochastic depth only while training.</summary>
public sealed class TrainingTests
{
    public static TheoryData<string, bool, string> GradientCases()
    {
        var rows = new TheoryData<string, bool, string>();
        foreach (var (type, svq, placement) in new[] { ("gSTA", false, "pre"), ("IncepU", false, "pre"), ("gSTA", true, "pre"), ("gSTA", true, "post"), ("tau", true, "pre") })
        {
            rows.Add(type, svq, placement);
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void GradientsReachEveryTrainableParameter(string modelType, bool withSvq, string placement)
    {
        using var model = SmallModels.Create(modelType, withSvq, placement: placement);
        model.Module.train();
        using var scope = NewDisposeScope();

        // Weights from a private seeded generator, not libtorch's global one that parallel test classes share: with
        // hid_T 16, TAU's squeeze-excitation branch has only 4 ReLU units (r = C // max(C // 16, 4)), and an unlucky
        // global draw leaves all of them dead, so its first Linear rightly gets a zero gradient (seen: tau + svq).
        using (no_grad())
        {
            using var g = new Generator(20261202);
            foreach (var p in model.Module.parameters())
            {
                p.copy_(randn(p.shape, generator: g) * 0.3);
            }
        }

        var x = SmallModels.Frames01(CPU);
        var result = model.Forward(x);
        var loss = (result.Prediction - x).abs().mean() + result.AuxLoss;
        loss.backward();
        var named = model.Module.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        Assert.NotEmpty(named);
        foreach (var (name, p) in named)
        {
            Assert.True(p.grad is not null, $"{name} received no gradient");
            Assert.True(p.grad.abs().sum().item<float>() > 0, $"{name} received an all-zero gradient");
        }
    }

    [Fact]
    public void FrozenSvqCodebookGetsNoGradientButTheRestTrains()
    {
        using var model = new SimVPModelFactory().Create(SmallModels.Config(), SmallModels.Svq(frozen: true));
        using var scope = NewDisposeScope();
        var x = SmallModels.Frames01(CPU);
        model.Forward(x).Prediction.abs().mean().backward();
        var codebook = model.Module.named_parameters().Single(p => p.name == "vq.vq.codebook").parameter;
        Assert.False(codebook.requires_grad);
        Assert.Null(codebook.grad);
        Assert.NotNull(model.Module.named_parameters().Single(p => p.name == "enc.enc.0.conv.conv.weight").parameter.grad);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.Names), MemberType = typeof(TestDevices))]
    public void DropPathChangesOutputsOnlyInTraining(string deviceName)
    {
        var device = TestDevices.Require(deviceName);
        using var model = SmallModels.Create(dropPath: 0.5);
        model.Module.to(device);
        using var scope = NewDisposeScope();
        var x = SmallModels.Frames01(device, batch: 4);
        using (no_grad())
        {
            model.Module.train();
            var a = model.Forward(x).Prediction;
            var b = model.Forward(x).Prediction;
            Assert.True(TensorAssert.MaxAbsDiff(a, b) > 1e-6, "two training passes with drop_path 0.5 gave identical outputs");

            model.Module.eval();
            var c = model.Forward(x).Prediction;
            var d = model.Forward(x).Prediction;
            TensorAssert.Close(c, d, 0, 0, "eval passes");
        }
    }

    [Fact]
    public void DropPathRatesFollowTheReferenceSchedule()
    {
        var rates = MidMetaNet.DropPathRates(0.2, 5);
        Assert.Equal(5, rates.Length);
        Assert.Equal(0.01, rates[0], 6);
        Assert.Equal(0.2, rates[4]);
        Assert.True(rates.Zip(rates.Skip(1)).All(p => p.First < p.Second));
        Assert.Equal(0.0, MidMetaNet.DropPathRates(0.0, 3)[2]);
        Assert.Equal(0.005, MidMetaNet.DropPathRates(0.0, 3)[1], 6);
    }

    [Theory]
    [InlineData("gSTA")]
    [InlineData("IncepU")]
    public void FreshModelStartsFromTheReferenceInitialisationAndGivesFiniteOutputs(string modelType)
    {
        using var model = SmallModels.Create(modelType, withSvq: true);
        foreach (var (name, t) in model.Module.state_dict())
        {
            Assert.False(t.isnan().any().item<bool>() || t.isinf().any().item<bool>(), $"{name} is not finite after construction");
            if (name.StartsWith("enc.", StringComparison.Ordinal) || name.StartsWith("dec.dec.", StringComparison.Ordinal))
            {
                if (name.EndsWith(".norm.weight", StringComparison.Ordinal))
                {
                    Assert.True(t.eq(1).all().item<bool>(), $"{name} does not start at 1");
                }
                else if (name.EndsWith(".bias", StringComparison.Ordinal))
                {
                    Assert.True(t.eq(0).all().item<bool>(), $"{name} does not start at 0");
                }
                else
                {
                    Assert.True(t.abs().max().item<float>() <= 0.04f, $"{name} is not truncated-normal with std 0.02");
                }
            }
        }

        using var scope = NewDisposeScope();
        foreach (bool training in new[] { true, false })
        {
            model.Module.train(training);
            using var noGrad = no_grad();
            var y = model.Forward(SmallModels.Frames01(CPU)).Prediction;
            Assert.True(y.isfinite().all().item<bool>(), $"non-finite prediction (training = {training})");
        }
    }

    [Fact]
    public void StateDictKeysAreTheReferenceOnes()
    {
        using var model = SmallModels.Create(withSvq: true);
        var keys = model.Module.state_dict().Keys.ToHashSet();
        Assert.Contains("enc.enc.0.conv.conv.weight", keys);
        Assert.Contains("enc.enc.1.conv.norm.bias", keys);
        Assert.Contains("dec.dec.0.conv.conv.0.weight", keys);
        Assert.Contains("dec.dec.1.conv.conv.weight", keys);
        Assert.Contains("dec.readout.bias", keys);
        Assert.Contains("hid.enc.0.block.layer_scale_1", keys);
        Assert.Contains("hid.enc.0.reduction.weight", keys);
        Assert.DoesNotContain("hid.enc.1.reduction.weight", keys);
        Assert.Contains("hid.enc.2.reduction.weight", keys);
        Assert.Contains("vq.vq.codebook", keys);
        Assert.Contains("vq.vq.proj_regression_weight.linear_proj.weight", keys);
        Assert.All(keys, k => Assert.Matches("^(enc|hid|dec|vq)\\.", k));
    }
}
