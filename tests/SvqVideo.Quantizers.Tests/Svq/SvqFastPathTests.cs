using SvqVideo.Plugins.Svq;
using SvqVideo.Testing;
using SvqVideo.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace SvqVideo.Quantizers.Tests.Svq;

/// <summary>The factored fast path against the explicit reference order: same outputs, same gradients.</summary>
public sealed class SvqFastPathTests
{
    public static TheoryData<string, string> Variants()
    {
        var data = new TheoryData<string, string>();
        foreach (var device in new[] { "cpu", "cuda" })
        {
            foreach (var variant in new[] { "default", "no_hid_relu", "linear" })
            {
                data.Add(device, variant);
            }
        }

        return data;
    }

    private static QuantizerOptions Options(string variant)
    {
        var o = new QuantizerOptions { Kind = "svq", Dimension = 12, CodebookSize = 700, Init = "kaiming" }.With("middim", 48);
        return variant switch
        {
            "no_hid_relu" => o.With("hid_relu", false),
            "linear" => o.With("nonlinear", false),
            _ => o,
        };
    }

    [SkippableTheory]
    [MemberData(nameof(Variants))]
    public void FastPathGivesTheExplicitOutputsAndGradients(string device, string variant)
    {
        var dev = TestDevices.Require(device);
        manual_seed(7);
        using var q = new SvqQuantizer(Options(variant));
        q.to(dev);
        using var scope = NewDisposeScope();
        var x = (randn(3, 257, 12, device: dev) * 2).requires_grad_(true);
        var upstream = randn(3, 257, 12, device: dev);

        var fast = Run(q, x, upstream, t => q.ForwardFactored(t));
        var slow = Run(q, x, upstream, t => q.ForwardExplicit(t).Output);

        double outScale = slow["output"].abs().max().ToDouble();
        TensorAssert.Close(slow["output"], fast["output"], 1e-5 * Math.Max(1, outScale), 0, $"{variant} output");
        foreach (var name in slow.Keys.Where(k => k != "output"))
        {
            double scale = slow[name].abs().max().ToDouble();
            Assert.True(scale > 0, $"{variant}: gradient of {name} is identically zero, the comparison would be empty");
            TensorAssert.Close(slow[name], fast[name], 1e-4 * scale, 0, $"{variant} grad {name} (relative to its largest magnitude {scale:g3})");
        }
    }

    [Fact]
    public void OutputReluFallsBackToTheExplicitPathAndTheFactoredPathRefuses()
    {
        using var q = new SvqQuantizer(Options("default").With("out_relu", true));
        Assert.False(q.Settings.UsesFastPath);
        using var x = randn(5, 12);
        var e = Assert.Throws<InvalidOperationException>(() => q.ForwardFactored(x));
        Assert.Contains("out_relu", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QuantizeUsesTheFastPathByDefault()
    {
        using var q = new SvqQuantizer(Options("default"));
        Assert.True(q.Settings.UsesFastPath);
        using var off = new SvqQuantizer(Options("default").With("fast_path", false));
        Assert.False(off.Settings.UsesFastPath);
    }

    private static Dictionary<string, Tensor> Run(SvqQuantizer q, Tensor x, Tensor upstream, Func<Tensor, Tensor> path)
    {
        q.zero_grad();
        x.grad?.zero_();
        var output = path(x);
        (output * upstream).sum().backward();
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["output"] = output.detach().clone(), ["input"] = x.grad!.clone() };
        foreach (var (name, p) in q.named_parameters())
        {
            result[name] = p.grad!.clone();
        }

        return result;
    }
}
