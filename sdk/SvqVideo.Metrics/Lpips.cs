using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Metrics;

/// <summary>
/// LPIPS (Zhang et al. 2018), AlexNet trunk, calibration v0.1 — the lpips package's
/// <c>LPIPS(net='alex', version='0.1')</c> forward pass, with the same state-dict keys
/// (<c>scaling_layer.shift/scale</c>, <c>net.slice{1..5}.{0,3,6,8,10}.*</c>, <c>lin{k}.model.1.weight</c>
/// and their <c>lins.{k}.*</c> aliases).
/// <para>
/// Distance = Σ over the five AlexNet taps of the spatial mean of a non-negative 1×1 weighting of the
/// squared difference of channel-unit-normalised features (eps 1e-10 added after the square root).
/// Inputs are (N, C, H, W) in [−1, 1] with C = 3 (RGB, in the order the weights expect) or C = 1 (gray,
/// replicated to 3 channels by the scaling layer's broadcast); H and W of at least 31 (smaller inputs
/// leave no feature map after the second pooling).
/// </para>
/// A new instance has random, uncalibrated weights: load real ones with <see cref="LpipsWeights"/>.
/// It starts in eval mode with every parameter frozen (gradients still flow to the inputs). Like any
/// TorchSharp module it is not thread-safe; dispose it to free its tensors.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
public sealed class Lpips : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Number of AlexNet taps (and calibration layers).</summary>
    public const int LayerCount = 5;

    private const double NormEpsilon = 1e-10;

    private readonly LpipsScalingLayer scaling_layer;
    private readonly LpipsAlexNet net;
    private readonly LpipsLinearLayer lin0;
    private readonly LpipsLinearLayer lin1;
    private readonly LpipsLinearLayer lin2;
    private readonly LpipsLinearLayer lin3;
    private readonly LpipsLinearLayer lin4;
    private readonly ModuleList<LpipsLinearLayer> lins;

    /// <summary>Builds the module with random weights, in eval mode, parameters frozen.</summary>
    public Lpips() : base("LPIPS")
    {
        scaling_layer = new LpipsScalingLayer();
        net = new LpipsAlexNet();
        var c = LpipsAlexNet.TapChannels;
        lin0 = new LpipsLinearLayer(c[0]);
        lin1 = new LpipsLinearLayer(c[1]);
        lin2 = new LpipsLinearLayer(c[2]);
        lin3 = new LpipsLinearLayer(c[3]);
        lin4 = new LpipsLinearLayer(c[4]);
        // The lpips package registers the calibration layers twice (lin0..lin4 and the lins list), so its
        // state dict names each weight under both keys; the aliases share the same tensors here too.
        lins = nn.ModuleList(lin0, lin1, lin2, lin3, lin4);
        RegisterComponents();
        foreach (var p in parameters())
        {
            p.requires_grad = false;
        }

        eval();
    }

    /// <summary>The LPIPS distance of two (N, C, H, W) batches in [−1, 1]; shape (N, 1, 1, 1).</summary>
    /// <exception cref="ArgumentException">The shapes differ, C is not 1 or 3, or the frames are smaller than 31×31.</exception>
    public override Tensor forward(Tensor input0, Tensor input1)
    {
        var (distance, layers) = ForwardWithLayers(input0, input1);
        foreach (var layer in layers)
        {
            layer.Dispose();
        }

        return distance;
    }

    /// <summary>
    /// The distance and each tap's contribution (five (N, 1, 1, 1) tensors that sum to it), like
    /// <c>retPerLayer=True</c> in the lpips package. Inputs as for <see cref="forward"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ, C is not 1 or 3, or the frames are smaller than 31×31.</exception>
    public (Tensor Distance, Tensor[] Layers) ForwardWithLayers(Tensor input0, Tensor input1)
    {
        CheckImages(input0, input1);
        using var scope = NewDisposeScope();
        var taps0 = net.forward(scaling_layer.forward(input0));
        var taps1 = net.forward(scaling_layer.forward(input1));
        var layers = new Tensor[LayerCount];
        Tensor? total = null;
        for (int k = 0; k < LayerCount; k++)
        {
            var diff = (UnitNormalise(taps0[k]) - UnitNormalise(taps1[k])).square();
            layers[k] = ((LpipsLinearLayer)lins[k]).forward(diff).mean([2, 3], keepdim: true);
            total = total is null ? layers[k] : total + layers[k];
        }

        foreach (var layer in layers)
        {
            layer.MoveToOuterDisposeScope();
        }

        return (scope.MoveToOuter(total!), layers);
    }

    /// <summary>
    /// LPIPS of frames in [0, 1] (mapped to [−1, 1] as 2x − 1); (N, C, H, W) each; shape (N, 1, 1, 1).
    /// </summary>
    public Tensor ForwardUnitRange(Tensor frames0, Tensor frames1)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(forward(frames0 * 2 - 1, frames1 * 2 - 1));
    }

    /// <summary>
    /// Per-frame LPIPS of clips (B, T, C, H, W) in [0, 1], as OpenSTL reports it: the prediction is clipped
    /// to [0, 1], both are mapped to [−1, 1], and each frame pair is scored. Frames are processed in
    /// chunks of at most <paramref name="framesPerChunk"/> to bound memory. The clips are moved to this
    /// module's device. Returns a float64 (B, T) tensor on the clips' device.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ or are not (B, T, C, H, W) with C = 1 or 3.</exception>
    public Tensor ClipDistance(Tensor pred, Tensor target, int framesPerChunk = 64)
    {
        FrameMetrics.Check(pred, target);
        ArgumentOutOfRangeException.ThrowIfLessThan(framesPerChunk, 1);
        using var scope = NewDisposeScope();
        long b = pred.shape[0], t = pred.shape[1];
        var device = parameters().First().device;
        var x = pred.clamp(0, 1).reshape(-1, pred.shape[2], pred.shape[3], pred.shape[4]);
        var y = target.reshape(x.shape);
        var parts = new List<Tensor>();
        for (long start = 0; start < b * t; start += framesPerChunk)
        {
            long length = Math.Min(framesPerChunk, b * t - start);
            var xs = x.narrow(0, start, length).to(ScalarType.Float32, device);
            var ys = y.narrow(0, start, length).to(ScalarType.Float32, device);
            parts.Add(ForwardUnitRange(xs, ys).reshape(-1));
        }

        return scope.MoveToOuter(cat(parts, 0).to(ScalarType.Float64, pred.device).reshape(b, t));
    }

    private static Tensor UnitNormalise(Tensor features)
    {
        var norm = features.square().sum([1], keepdim: true).sqrt();
        return features / (norm + NormEpsilon);
    }

    private static void CheckImages(Tensor input0, Tensor input1)
    {
        ArgumentNullException.ThrowIfNull(input0);
        ArgumentNullException.ThrowIfNull(input1);
        if (input0.dim() != 4 || !input0.shape.SequenceEqual(input1.shape))
        {
            throw new ArgumentException($"LPIPS expects two (N, C, H, W) batches of one shape; got [{string.Join(",", input0.shape)}] and [{string.Join(",", input1.shape)}]", nameof(input1));
        }

        if (input0.shape[1] is not (1 or 3))
        {
            throw new ArgumentException($"LPIPS needs 3-channel (RGB) or 1-channel (gray) frames; got {input0.shape[1]} channels", nameof(input0));
        }

        if (input0.shape[2] < 31 || input0.shape[3] < 31)
        {
            throw new ArgumentException($"LPIPS (AlexNet) needs frames of at least 31×31; got {input0.shape[2]}×{input0.shape[3]}", nameof(input0));
        }
    }
}
