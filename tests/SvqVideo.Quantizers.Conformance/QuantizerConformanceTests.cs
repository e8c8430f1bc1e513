using SvqVideo.Testing;
using SvqVideo.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace SvqVideo.Quantizers.Conformance;

/// <summary>
/// The behaviour every quantizer must show, whatever its family (including the one policy for parameters:
/// an unknown name is rejected, listing the known ones). A quantizer's test class derives from
/// this (or from <see cref="CodebookQuantizerConformanceTests{TFactory}"/> /
/// <see cref="EmaCodebookConformanceTests{TFactory}"/>) with its factory type; every check runs on the
/// CPU and, where CUDA is usable, on the GPU. <see cref="ConformanceCoverage"/> fails the build's tests
/// when a factory has no such class.
/// </summary>
/// <typeparam name="TFactory">The quantizer plugin's factory.</typeparam>
public abstract class QuantizerConformanceTests<TFactory>
    where TFactory : IQuantizerFactory, new()
{
    /// <summary>The factory under test.</summary>
    protected TFactory Factory { get; } = new();

    /// <summary>Latent channels used by the checks.</summary>
    protected virtual int Dimension => 8;

    /// <summary>Options for the checks; by default the factory's defaults for <see cref="Dimension"/>.</summary>
    protected virtual QuantizerOptions CreateOptions() => Factory.DefaultOptions(Dimension);

    /// <summary>Builds the quantizer on <paramref name="device"/>.</summary>
    protected IQuantizer Build(Device device, QuantizerOptions? options = null)
    {
        var q = Factory.Create(options ?? CreateOptions());
        q.Module.to(device);
        return q;
    }

    /// <summary>Seeded latents (N, C, H, W) on <paramref name="device"/>.</summary>
    protected Tensor Latents(Device device, int seed = 1, long n = 2, long h = 5, long w = 6)
    {
        using var g = new Generator((ulong)seed);
        return randn([n, Dimension, h, w], generator: g).to(device);
    }

    /// <summary>The state dict as detached CPU copies (for before/after comparisons).</summary>
    protected static Dictionary<string, Tensor> Snapshot(IQuantizer q) =>
        q.Module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().clone(), StringComparer.Ordinal);

    [Fact]
    public void FactoryNameIsLowerCaseAndItsDefaultsCreateTheQuantizer()
    {
        Assert.False(string.IsNullOrWhiteSpace(Factory.Name));
        Assert.Equal(Factory.Name.ToLowerInvariant(), Factory.Name);
        Assert.False(string.IsNullOrWhiteSpace(Factory.Description));
        var options = Factory.DefaultOptions(Dimension);
        Assert.Equal(Factory.Name, options.Kind);
        Assert.Equal(Dimension, options.Dimension);
        using var q = Factory.Create(options);
        Assert.Equal(options, q.Options);
        Assert.True(q.Module.training, "a new quantizer starts in training mode");
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.Names), MemberType = typeof(TestDevices))]
    public void QuantizedLatentsKeepTheInputShapeDtypeAndDevice(string device)
    {
        var dev = TestDevices.Require(device);
        using var q = Build(dev);
        using var scope = NewDisposeScope();
        var x = Latents(dev);
        foreach (bool training in new[] { true, false })
        {
            q.Module.train(training);
            using var r = q.Quantize(x);
            Assert.Equal(x.shape, r.Quantized.shape);
            Assert.Equal(x.dtype, r.Quantized.dtype);
            Assert.Equal(x.device_type, r.Quantized.device_type);
            Assert.True(r.Quantized.isfinite().all().item<bool>(), "quantized latents must be finite");
            Assert.Empty(r.AuxLoss.shape);
            Assert.Equal(x.device_type, r.AuxLoss.device_type);
            Assert.True(r.AuxLoss.isfinite().item<bool>(), "aux loss must be finite");
            if (!training)
            {
                Assert.Equal(0.0, r.AuxLoss.cpu().to(ScalarType.Float64).item<double>());
            }
        }
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.Names), MemberType = typeof(TestDevices))]
    public void IndicesFollowTheLatentLayoutAndLieInsideTheCodebook(string device)
    {
        var dev = TestDevices.Require(device);
        using var q = Build(dev);
        using var scope = NewDisposeScope();
        var x = Latents(dev);
        q.Module.eval();
        using var r = q.Quantize(x);
        if (r.Indices is null)
        {
            Assert.Null(r.CodeUsage);
            return;
        }

        Assert.Equal(ScalarType.Int64, r.Indices.dtype);
        Assert.Equal(new[] { x.shape[0], x.shape[2], x.shape[3] }, r.Indices.shape.Take(3));
        Assert.InRange(r.Indices.dim(), 3, 4);
        Assert.NotNull(r.CodeUsage);
        long codebook = r.CodeUsage!.numel();
        Assert.True(r.Indices.min().item<long>() >= 0, "indices must be >= 0");
        Assert.True(r.Indices.max().item<long>() < codebook, $"indices must be < the codebook size {codebook}");
        Assert.Equal(r.Indices.numel(), (long)Math.Round(r.CodeUsage.sum().cpu().to(ScalarType.Float64).item<double>()));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.Names), MemberType = typeof(TestDevices))]
    public void GradientsReachTheInput(string device)
    {
        var dev = TestDevices.Require(device);
        using var q = Build(dev);
        using var scope = NewDisposeScope();
        var x = Latents(dev).requires_grad_(true);
        q.Module.train();
        using var r = q.Quantize(x);
        var upstream = Latents(dev, seed: 2);
        ((r.Quantized * upstream).sum() + r.AuxLoss).backward();
        Assert.NotNull(x.grad);
        Assert.True(x.grad!.isfinite().all().item<bool>(), "input gradient must be finite");
        Assert.True(x.grad.abs().sum().cpu().to(ScalarType.Float64).item<double>() > 0, "input gradient must not be zero");
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.Names), MemberType = typeof(TestDevices))]
    public void EvalModeIsDeterministicAndLeavesTheStateUnchanged(string device)
    {
        var dev = TestDevices.Require(device);
        using var q = Build(dev);
        using var scope = NewDisposeScope();
        var x = Latents(dev);
        q.Module.eval();
        var before = Snapshot(q);
        using var a = q.Quantize(x);
        using var b = q.Quantize(x);
        Assert.True(a.Quantized.eq(b.Quantized).all().item<bool>(), "two eval calls on the same input must agree exactly");
        if (a.Indices is not null)
        {
            Assert.True(a.Indices.eq(b.Indices!).all().item<bool>(), "two eval calls must give the same indices");
        }

        foreach (var (key, value) in Snapshot(q))
        {
            Assert.True(before[key].eq(value).all().item<bool>(), $"eval changed state '{key}'");
        }
    }

    [Fact]
    public void UnknownParametersAreRejectedListingTheKnownNames()
    {
        var options = CreateOptions();
        var e = Assert.Throws<ArgumentException>(() => Factory.Create(options.With("no_such_parameter", 1)));
        Assert.Contains($"unknown {options.Kind} parameter 'no_such_parameter'", e.Message, StringComparison.Ordinal);
        Assert.Contains("(known: ", e.Message, StringComparison.Ordinal);
        foreach (var name in options.Parameters.Keys.Concat(Factory.DefaultOptions(Dimension).Parameters.Keys))
        {
            Assert.Contains(name, e.Message, StringComparison.Ordinal);
        }

        // Names are case-sensitive, as the reference implementations spell them.
        foreach (var name in options.Parameters.Keys.Where(n => n.Any(char.IsLower)))
        {
            Assert.Throws<ArgumentException>(() => Factory.Create(options.With(name.ToUpperInvariant(), options.Parameters[name])));
        }
    }

    [Fact]
    public void LatentsWithTheWrongChannelCountAreRejectedWithAClearMessage()
    {
        using var q = Build(CPU);
        using var x = randn(2, Dimension + 1, 3, 3);
        var e = Assert.Throws<ArgumentException>(() => q.Quantize(x));
        Assert.Contains(Dimension.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.Names), MemberType = typeof(TestDevices))]
    public void TrainsInsideATinyModel(string device)
    {
        var dev = TestDevices.Require(device);
        manual_seed(3);
        using var model = new TinyForecastModel(Factory.Create(CreateOptions()), imageChannels: 2);
        model.to(dev);
        model.train();
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-2);
        using var scope = NewDisposeScope();
        using var g = new Generator(4);
        var frames = rand([2, 2, 8, 8], generator: g).to(dev);
        var encoderBefore = model.Encoder.weight!.detach().clone();
        for (int step = 0; step < 3; step++)
        {
            optimizer.zero_grad();
            var (output, aux) = model.forward(frames);
            Assert.Equal(frames.shape, output.shape);
            var loss = nn.functional.l1_loss(output, frames) + aux;
            Assert.True(loss.isfinite().item<bool>(), $"loss at step {step} is not finite");
            loss.backward();
            var grad = model.Encoder.weight!.grad;
            Assert.True(grad is not null && grad.abs().sum().cpu().to(ScalarType.Float64).item<double>() > 0, "the encoder received no gradient through the quantizer");
            optimizer.step();
        }

        Assert.False(encoderBefore.eq(model.Encoder.weight!).all().item<bool>(), "the encoder did not change in training");
    }
}
