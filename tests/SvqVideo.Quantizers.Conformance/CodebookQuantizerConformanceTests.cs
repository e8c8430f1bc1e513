using SvqVideo.Testing;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Quantizers.Conformance;

/// <summary>
/// Conformance for quantizers with a codebook in their state: frozen, it receives no gradient and does not
/// change in a training step; unfrozen, a training step changes it (by gradient or by EMA update).
/// </summary>
/// <typeparam name="TFactory">The quantizer plugin's factory.</typeparam>
public abstract class CodebookQuantizerConformanceTests<TFactory> : QuantizerConformanceTests<TFactory>
    where TFactory : IQuantizerFactory, new()
{
    /// <summary>State-dict keys of the codebook tensors (parameters or buffers).</summary>
    protected abstract IReadOnlyList<string> CodebookKeys(IQuantizer quantizer);

    /// <summary>One training step: forward, backward of a fixed projection of the output plus the aux loss.</summary>
    protected void TrainingStep(IQuantizer q, Device device)
    {
        using var scope = NewDisposeScope();
        q.Module.train();
        var x = Latents(device).requires_grad_(true);
        using var r = q.Quantize(x);
        ((r.Quantized * Latents(device, seed: 2)).sum() + r.AuxLoss).backward();
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.Names), MemberType = typeof(TestDevices))]
    public void FrozenCodebookReceivesNoGradientAndNoUpdate(string device)
    {
        var dev = TestDevices.Require(device);
        using var q = Build(dev, CreateOptions() with { Frozen = true });
        var keys = CodebookKeys(q);
        Assert.NotEmpty(keys);
        var before = Snapshot(q);
        TrainingStep(q, dev);
        var parameters = q.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var after = Snapshot(q);
        foreach (var key in keys)
        {
            Assert.True(after.ContainsKey(key), $"no state-dict entry '{key}'");
            Assert.True(before[key].eq(after[key]).all().item<bool>(), $"frozen codebook '{key}' changed in a training step");
            if (parameters.TryGetValue(key, out var p))
            {
                Assert.False(p.requires_grad, $"frozen codebook '{key}' still requires grad");
                Assert.True(p.grad is null || p.grad.abs().sum().cpu().to(ScalarType.Float64).item<double>() == 0, $"frozen codebook '{key}' received a gradient");
            }
        }
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.Names), MemberType = typeof(TestDevices))]
    public void LearnableCodebookChangesInTraining(string device)
    {
        var dev = TestDevices.Require(device);
        using var q = Build(dev, CreateOptions() with { Frozen = false });
        var keys = CodebookKeys(q);
        var before = Snapshot(q);
        TrainingStep(q, dev);
        var parameters = q.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var after = Snapshot(q);
        bool learned = keys.Any(k =>
            !before[k].eq(after[k]).all().item<bool>()
            || (parameters.TryGetValue(k, out var p) && p.grad is not null && p.grad.abs().sum().cpu().to(ScalarType.Float64).item<double>() > 0));
        Assert.True(learned, "an unfrozen codebook neither received a gradient nor changed in a training step");
    }
}
