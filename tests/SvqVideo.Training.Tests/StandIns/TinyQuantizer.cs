using SvqVideo.Torch;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Training.Tests.StandIns;

/// <summary>
/// A quantizer stand-in: a learnable 1×1 projection that reports an auxiliary loss (0.01 × mean
/// square of its output) and a <c>perplexity</c> metric (exp of the entropy of the softmax over
/// channels, averaged), so the trainer's aux-loss and metric plumbing can be checked.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class TinyQuantizer : QuantizerModule
{
    private readonly Conv2d proj;

    public TinyQuantizer(int dimension)
        : base(nameof(TinyQuantizer), new QuantizerOptions { Kind = "tiny", Dimension = dimension })
    {
        proj = nn.Conv2d(dimension, dimension, 1);
        RegisterComponents();
    }

    public override QuantizerOutput forward(Tensor latents)
    {
        using var scope = NewDisposeScope();
        var y = proj.forward(latents);
        var aux = training ? y.square().mean().mul(0.01) : zeros([], device: y.device);
        using var noGrad = no_grad();
        var p = y.softmax(1);
        var perplexity = p.mul(p.add(1e-10).log()).sum(1).neg().exp().mean();
        scope.MoveToOuter(y, aux, perplexity);
        return new QuantizerOutput(y, aux, metrics: new Dictionary<string, Tensor> { ["perplexity"] = perplexity });
    }
}
