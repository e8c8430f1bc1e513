using SvqVideo.Torch.Onnx;
using static TorchSharp.torch;

namespace SvqVideo.Torch;

/// <summary>
/// Moving frames along a flow, the one definition shared by models that forecast by moving pixels and by hosts that
/// apply a model's flow at another frame size: every pixel takes the value of the source frame at its own position
/// plus its flow, bilinearly, with the frame's edge repeated outside it and pixel centres on the frame's corners
/// (PyTorch's <c>grid_sample</c> with <c>align_corners=True</c>, <c>padding_mode="border"</c>).
/// </summary>
public static class FlowSampling
{
    /// <summary>Samples <paramref name="frames"/> (N, C, H, W) along <paramref name="flow"/> (N, 2, H, W): x then y, in pixels. Differentiable in both.</summary>
    /// <exception cref="ArgumentException">The shapes do not match.</exception>
    public static Tensor Warp(Tensor frames, Tensor flow)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(flow);
        if (frames.dim() != 4 || flow.dim() != 4 || flow.shape[0] != frames.shape[0] || flow.shape[1] != 2 || flow.shape[2] != frames.shape[2] || flow.shape[3] != frames.shape[3])
        {
            throw new ArgumentException($"flow ({string.Join('x', flow.shape)}) must be (N, 2, H, W) for frames ({string.Join('x', frames.shape)})");
        }

        using var scope = NewDisposeScope();
        long h = frames.shape[2], w = frames.shape[3];
        var grid = BaseGrid(h, w, frames.dtype, frames.device) + (flow.permute(0, 2, 3, 1) * PixelToGrid(h, w, frames.dtype, frames.device));
        return scope.MoveToOuter(nn.functional.grid_sample(frames, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: true));
    }

    /// <summary>The identity sampling grid (1, H, W, 2) in <c>grid_sample</c>'s [−1, 1] coordinates, x then y.</summary>
    public static Tensor BaseGrid(long height, long width, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        var xs = linspace(-1, 1, width, dtype: dtype, device: device).view(1, 1, width, 1).expand(1, height, width, 1);
        var ys = linspace(-1, 1, height, dtype: dtype, device: device).view(1, height, 1, 1).expand(1, height, width, 1);
        return scope.MoveToOuter(cat([xs, ys], 3));
    }

    /// <summary>The scale (2) from pixels (x, y) to grid coordinates: a pixel is 2 / (size − 1) of the grid.</summary>
    public static Tensor PixelToGrid(long height, long width, ScalarType dtype, Device device) =>
        tensor(new[] { 2f / Math.Max(1, width - 1), 2f / Math.Max(1, height - 1) }, dtype: dtype, device: device);

    /// <summary>
    /// ONNX form of <see cref="Warp"/> for frames of a fixed <paramref name="height"/> × <paramref name="width"/>: the
    /// identity grid as an initializer plus the flow scaled to grid units, and <c>GridSample</c> (opset 16+).
    /// </summary>
    /// <param name="graph">The graph.</param>
    /// <param name="frames">(N, C, H, W).</param>
    /// <param name="flow">(N, 2, H, W), x then y, in pixels.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    public static string ExportOnnx(IOnnxGraph graph, string frames, string flow, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(graph);
        using var scope = NewDisposeScope();
        string baseGrid = graph.Initializer("base_grid", BaseGrid(height, width, ScalarType.Float32, CPU));
        string scale = graph.Initializer("flow_scale", PixelToGrid(height, width, ScalarType.Float32, CPU));
        string grid = graph.Op("Add", [baseGrid, graph.Op("Mul", [graph.Op("Transpose", [flow], ("perm", new long[] { 0, 2, 3, 1 })), scale])]);
        return graph.Op("GridSample", [frames, grid], ("align_corners", 1L), ("mode", "bilinear"), ("padding_mode", "border"));
    }
}
