using SvqVideo.Torch.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace SvqVideo.Torch;

/// <summary>
/// A parameter-free estimate of how a frame moved since the frame before it: coarse-to-fine Lucas–Kanade whose
/// gradient sums run over all channels (so colour edges count where brightness is flat). For every pixel of the later
/// frame it gives the displacement, in pixels (x then y), to where that content was in the earlier one, so
/// <c>FlowSampling.Warp(earlier, flow)</c> approximates the later frame and, at constant velocity,
/// <c>FlowSampling.Warp(later, k · flow)</c> approximates the frame k steps after it. A pixel keeps its estimate only where
/// moving the earlier frame along it matches the later frame better, over a small neighbourhood, than not moving it at
/// all; elsewhere (static content beside a moving object, which the pooled gradients smear motion onto, and regions
/// without texture) its flow is zero. Not differentiable: the estimate is computed without gradients.
/// </summary>
public static class MotionEstimation
{
    /// <summary>Side of the square window whose gradients each pixel's estimate pools.</summary>
    public const int Window = 11;

    /// <summary>Side of the square neighbourhood over which a pixel's estimate must beat standing still to be kept.</summary>
    public const int CheckWindow = 7;

    /// <summary>Refinements per pyramid level.</summary>
    public const int Iterations = 3;

    /// <summary>Most pyramid levels (each half the size of the one above); fewer when the frame is small.</summary>
    public const int MaxLevels = 3;

    /// <summary>Added to the diagonal of each pixel's 2×2 gradient matrix (intensities in [0, 1]), so flat regions stay still.</summary>
    public const double Regularisation = 1e-2;

    /// <summary>The most one refinement may move a pixel's estimate, in pixels of its level.</summary>
    public const double MaxStep = 2.0;

    /// <summary>
    /// The flow (N, 2, H, W) from each pixel of <paramref name="later"/> to where its content was in
    /// <paramref name="earlier"/>; both (N, C, H, W) with the same shape.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ or are not (N, C, H, W).</exception>
    public static Tensor Estimate(Tensor earlier, Tensor later)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(later);
        if (earlier.dim() != 4 || !earlier.shape.SequenceEqual(later.shape))
        {
            throw new ArgumentException($"frames must be two (N, C, H, W) tensors of one shape, got {string.Join('x', earlier.shape)} and {string.Join('x', later.shape)}");
        }

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var a = earlier.detach();
        var b = later.detach();
        var earlierLevels = new List<Tensor> { a };
        var laterLevels = new List<Tensor> { b };
        for (int l = 1; l < LevelCount(a.shape[2], a.shape[3]); l++)
        {
            earlierLevels.Add(nn.functional.avg_pool2d(earlierLevels[^1], 2));
            laterLevels.Add(nn.functional.avg_pool2d(laterLevels[^1], 2));
        }

        var (sobelX, sobelY) = Sobel(a.shape[1], a.dtype, a.device);
        Tensor? flow = null;
        for (int l = earlierLevels.Count - 1; l >= 0; l--)
        {
            var (e, t) = (earlierLevels[l], laterLevels[l]);
            flow = flow is null ? zeros([e.shape[0], 2, e.shape[2], e.shape[3]], dtype: e.dtype, device: e.device) : Upsample(flow, e.shape[2], e.shape[3]);
            for (int i = 0; i < Iterations; i++)
            {
                flow = flow + Refinement(e, t, flow, sobelX, sobelY);
            }
        }

        // Keep the estimate only where it explains the last step better than standing still.
        var moved = Pool((FlowSampling.Warp(a, flow!) - b).square().sum([1], keepdim: true), CheckWindow);
        var still = Pool((a - b).square().sum([1], keepdim: true), CheckWindow);
        return scope.MoveToOuter(flow! * moved.lt(still).to(flow!.dtype));
    }

    /// <summary>
    /// The flow of each of <paramref name="steps"/> steps when <paramref name="motion"/> (N, 2, H, W), one step's, is
    /// carried on at constant velocity: (N, steps, 2, H, W), step k (from 1) at k times the motion.
    /// </summary>
    public static Tensor CarriedOn(Tensor motion, int steps)
    {
        ArgumentNullException.ThrowIfNull(motion);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(motion.unsqueeze(1) * StepFactors(steps, motion.dtype, motion.device));
    }

    /// <summary>1, 2, …, <paramref name="steps"/> shaped (1, steps, 1, 1, 1): the factors of <see cref="CarriedOn"/>.</summary>
    public static Tensor StepFactors(int steps, ScalarType dtype, Device device) =>
        arange(1, steps + 1, dtype: dtype, device: device).view(1, steps, 1, 1, 1);

    /// <summary>Pyramid levels for a frame of this size: halving while the smaller side stays at least 16 pixels, at most <see cref="MaxLevels"/>.</summary>
    public static int LevelCount(long height, long width)
    {
        int levels = 1;
        long side = Math.Min(height, width);
        while (levels < MaxLevels && side / 2 >= 16)
        {
            side /= 2;
            levels++;
        }

        return levels;
    }

    private static Tensor Refinement(Tensor earlier, Tensor later, Tensor flow, Tensor sobelX, Tensor sobelY)
    {
        using var scope = NewDisposeScope();
        var moved = FlowSampling.Warp(earlier, flow);
        var mean = nn.functional.pad((moved + later) / 2, [1, 1, 1, 1], PaddingModes.Replicate);
        long channels = earlier.shape[1];
        var ix = nn.functional.conv2d(mean, sobelX, groups: channels);
        var iy = nn.functional.conv2d(mean, sobelY, groups: channels);
        var it = moved - later;
        var sxx = Sum(ix * ix) + Regularisation;
        var syy = Sum(iy * iy) + Regularisation;
        var sxy = Sum(ix * iy);
        var sxt = Sum(ix * it);
        var syt = Sum(iy * it);
        var det = (sxx * syy) - (sxy * sxy);
        var du = -((syy * sxt) - (sxy * syt)) / det;
        var dv = -((sxx * syt) - (sxy * sxt)) / det;
        return scope.MoveToOuter(cat([du, dv], 1).clamp(-MaxStep, MaxStep));
    }

    /// <summary>The channel sum of <paramref name="t"/>, averaged over each pixel's <see cref="Window"/>.</summary>
    private static Tensor Sum(Tensor t) => Pool(t.sum([1], keepdim: true), Window);

    private static Tensor Pool(Tensor t, int window) =>
        nn.functional.avg_pool2d(nn.functional.pad(t, [window / 2, window / 2, window / 2, window / 2], PaddingModes.Replicate), window, 1);

    private static Tensor Upsample(Tensor flow, long height, long width)
    {
        using var scope = NewDisposeScope();
        var up = nn.functional.interpolate(flow, [height, width], mode: InterpolationMode.Bilinear, align_corners: true);
        return scope.MoveToOuter(up * LevelScale(flow.shape[2], flow.shape[3], height, width, flow.dtype, flow.device));
    }

    /// <summary>
    /// (1, 2, 1, 1): how a flow in pixels of a coarser level (<paramref name="fromHeight"/> × <paramref name="fromWidth"/>)
    /// scales, x then y, on a finer one, with pixel centres on the corners as the upsampling puts them.
    /// </summary>
    private static Tensor LevelScale(long fromHeight, long fromWidth, long toHeight, long toWidth, ScalarType dtype, Device device) =>
        tensor(new[] { (float)((toWidth - 1) / (double)Math.Max(1, fromWidth - 1)), (float)((toHeight - 1) / (double)Math.Max(1, fromHeight - 1)) }, dtype: dtype, device: device).view(1, 2, 1, 1);

    /// <summary>The Sobel kernels (scaled by 1/8) for x and y, one per channel for a grouped convolution, (C, 1, 3, 3).</summary>
    private static (Tensor X, Tensor Y) Sobel(long channels, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { -1, 0, 1, -2, 0, 2, -1, 0, 1 }, dtype: dtype, device: device).view(1, 1, 3, 3) / 8;
        return (scope.MoveToOuter(x.expand(channels, 1, 3, 3).contiguous()), scope.MoveToOuter(x.transpose(2, 3).expand(channels, 1, 3, 3).contiguous()));
    }

    /// <summary>
    /// ONNX form of <see cref="Estimate"/> for frames of a fixed size and channel count: the same pyramid, refinements
    /// and check, from <c>Pad</c> (edge), <c>AveragePool</c>, grouped <c>Conv</c>, <c>GridSample</c> and <c>Resize</c>
    /// (opset 16+). Returns the flow (N, 2, H, W).
    /// </summary>
    /// <param name="graph">The graph.</param>
    /// <param name="earlier">(N, C, H, W).</param>
    /// <param name="later">(N, C, H, W).</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    public static string ExportOnnx(IOnnxGraph graph, string earlier, string later, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(graph);
        using var naming = graph.Scope("motion");
        using var scope = NewDisposeScope();
        var sizes = new List<(int Height, int Width)> { (height, width) };
        var earlierLevels = new List<string> { earlier };
        var laterLevels = new List<string> { later };
        for (int l = 1; l < LevelCount(height, width); l++)
        {
            sizes.Add((sizes[^1].Height / 2, sizes[^1].Width / 2));
            earlierLevels.Add(graph.Op("AveragePool", [earlierLevels[^1]], ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 })));
            laterLevels.Add(graph.Op("AveragePool", [laterLevels[^1]], ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 })));
        }

        var (kernelX, kernelY) = Sobel(channels, ScalarType.Float32, CPU);
        string sobelX = graph.Initializer("sobel_x", kernelX);
        string sobelY = graph.Initializer("sobel_y", kernelY);
        string? flow = null;
        for (int l = sizes.Count - 1; l >= 0; l--)
        {
            var (h, w) = sizes[l];
            if (flow is null)
            {
                // Zero flow (ConstantOfShape's default value is a float zero) of the coarsest level's size, batch taken from the frames.
                flow = graph.Op("ConstantOfShape", [graph.Op("Concat", [graph.Slice(graph.Op("Shape", [earlier]), 0, 0, 1), graph.Int64s("flow_shape", 2, h, w)], ("axis", 0L))]);
            }
            else
            {
                var (ph, pw) = sizes[l + 1];
                string size = graph.Op("Concat", [graph.Slice(graph.Op("Shape", [flow]), 0, 0, 2), graph.Int64s("level_size", h, w)], ("axis", 0L));
                string up = graph.Op("Resize", [flow, "", "", size], ("mode", "linear"), ("coordinate_transformation_mode", "align_corners"));
                flow = graph.Op("Mul", [up, graph.Initializer("level_scale", LevelScale(ph, pw, h, w, ScalarType.Float32, CPU))]);
            }

            for (int i = 0; i < Iterations; i++)
            {
                flow = graph.Op("Add", [flow, RefinementOnnx(graph, earlierLevels[l], laterLevels[l], flow, sobelX, sobelY, channels, h, w)]);
            }
        }

        string moved = PoolOnnx(graph, ChannelSumOnnx(graph, Square(graph, graph.Op("Sub", [FlowSampling.ExportOnnx(graph, earlier, flow!, height, width), later]))), CheckWindow);
        string still = PoolOnnx(graph, ChannelSumOnnx(graph, Square(graph, graph.Op("Sub", [earlier, later]))), CheckWindow);
        return graph.Op("Mul", [flow!, graph.Op("Cast", [graph.Op("Less", [moved, still])], ("to", 1L))]);
    }

    private static string RefinementOnnx(IOnnxGraph graph, string earlier, string later, string flow, string sobelX, string sobelY, int channels, int height, int width)
    {
        string moved = FlowSampling.ExportOnnx(graph, earlier, flow, height, width);
        string mean = graph.Op("Pad", [graph.Op("Mul", [graph.Op("Add", [moved, later]), graph.Scalar("half", 0.5)]), graph.Int64s("pads", 0, 0, 1, 1, 0, 0, 1, 1)], ("mode", "edge"));
        string ix = graph.Op("Conv", [mean, sobelX], ("group", (long)channels));
        string iy = graph.Op("Conv", [mean, sobelY], ("group", (long)channels));
        string it = graph.Op("Sub", [moved, later]);
        string Sum(string a, string b) => PoolOnnx(graph, ChannelSumOnnx(graph, graph.Op("Mul", [a, b])), Window);
        string eps = graph.Scalar("regularisation", Regularisation);
        string sxx = graph.Op("Add", [Sum(ix, ix), eps]);
        string syy = graph.Op("Add", [Sum(iy, iy), eps]);
        string sxy = Sum(ix, iy);
        string sxt = Sum(ix, it);
        string syt = Sum(iy, it);
        string det = graph.Op("Sub", [graph.Op("Mul", [sxx, syy]), graph.Op("Mul", [sxy, sxy])]);
        string du = graph.Op("Div", [graph.Op("Sub", [graph.Op("Mul", [sxy, syt]), graph.Op("Mul", [syy, sxt])]), det]);
        string dv = graph.Op("Div", [graph.Op("Sub", [graph.Op("Mul", [sxy, sxt]), graph.Op("Mul", [sxx, syt])]), det]);
        return graph.Op("Clip", [graph.Op("Concat", [du, dv], ("axis", 1L)), graph.Scalar("min_step", -MaxStep), graph.Scalar("max_step", MaxStep)]);
    }

    private static string Square(IOnnxGraph graph, string x) => graph.Op("Mul", [x, x]);

    private static string ChannelSumOnnx(IOnnxGraph graph, string x) => graph.Op("ReduceSum", [x, graph.Int64s("channel_axis", 1)], ("keepdims", 1L));

    private static string PoolOnnx(IOnnxGraph graph, string x, int window)
    {
        long p = window / 2;
        string padded = graph.Op("Pad", [x, graph.Int64s("pads", 0, 0, p, p, 0, 0, p, p)], ("mode", "edge"));
        return graph.Op("AveragePool", [padded], ("kernel_shape", new long[] { window, window }), ("strides", new long[] { 1, 1 }));
    }
}
