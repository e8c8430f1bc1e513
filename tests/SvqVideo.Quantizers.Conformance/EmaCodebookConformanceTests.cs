using SvqVideo.Testing;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Quantizers.Conformance;

/// <summary>
/// Conformance for quantizers whose codebook moves by an exponential moving average of the vectors
/// assigned to each code: a training call pulls the used codes toward their vectors; an eval call does not move them.
/// </summary>
/// <typeparam name="TFactory">The quantizer plugin's factory.</typeparam>
public abstract class EmaCodebookConformanceTests<TFactory> : CodebookQuantizerConformanceTests<TFactory>
    where TFactory : IQuantizerFactory, new()
{
    /// <summary>The codebook (K, C) that quantizes the raw latents (the first layer's, for residual quantizers).</summary>
    protected abstract Tensor FirstCodebook(IQuantizer quantizer);

    /// <summary>The indices (N, H, W) into <see cref="FirstCodebook"/> from an output.</summary>
    protected abstract Tensor FirstIndices(QuantizerOutput output);

    [SkippableTheory]
    [MemberData(nameof(TestDevices.Names), MemberType = typeof(TestDevices))]
    public void EmaCodebookMovesTowardItsAssignedVectorsInTrainingAndNotInEval(string device)
    {
        var dev = TestDevices.Require(device);
        using var q = Build(dev, CreateOptions() with { Frozen = false });
        using var scope = NewDisposeScope();
        var x = Latents(dev, n: 4, h: 6, w: 6);
        var tokens = x.permute(0, 2, 3, 1).reshape(-1, Dimension);

        q.Module.eval();
        var beforeEval = FirstCodebook(q).detach().clone();
        using (q.Quantize(x))
        {
            Assert.True(beforeEval.eq(FirstCodebook(q)).all().item<bool>(), "the codebook moved in eval mode");
        }

        q.Module.train();
        var before = FirstCodebook(q).detach().clone();
        using var r = q.Quantize(x);
        var indices = FirstIndices(r).flatten();
        var after = FirstCodebook(q).detach();
        double errorBefore = (tokens - before.index_select(0, indices)).pow(2).sum().cpu().to(ScalarType.Float64).item<double>();
        double errorAfter = (tokens - after.index_select(0, indices)).pow(2).sum().cpu().to(ScalarType.Float64).item<double>();
        Assert.True(errorAfter < errorBefore, $"after one EMA step the assigned codes are not closer to their vectors (squared error {errorBefore:g6} -> {errorAfter:g6})");
    }
}
