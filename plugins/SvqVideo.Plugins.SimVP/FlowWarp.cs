using SvqVideo.Torch.Onnx;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// The warped-residual read-out (<see cref="SimVPSettings.Warp"/>): the decoder's output (N, C + 2, H, W) is a change
/// (the first C channels) and a flow in pixels (the last two, x then y, times <see cref="PixelsPerUnit"/>); the frame
/// is the last context frame sampled at each pixel's position plus its flow (bilinear, border padding, pixel centres
/// on the corners as in <c>align_corners=True</c>), plus the change.
/// </summary>
internal static class FlowWarp
{
    /// <summary>Pixels of displacement per unit of the decoder's flow output, so that a few pixels per step are in reach of a short fit.</summary>
    public const float PixelsPerUnit = 4f;

    /// <param name="decoded">The decoder's output (N, C + 2, H, W).</param>
    /// <param name="last">The frame to warp, (N, C, H, W).</param>
    public static Tensor Apply(Tensor decoded, Tensor last)
    {
        using var scope = NewDisposeScope();
        long c = last.shape[1], h = last.shape[2], w = last.shape[3];
        var change = decoded.narrow(1, 0, c);
        var flow = decoded.narrow(1, c, 2).permute(0, 2, 3, 1); // (N, H, W, 2): x, y
        var grid = BaseGrid(h, w, decoded.dtype, decoded.device) + flow * ToNormalised(h, w, decoded.dtype, decoded.device);
        var warped = nn.functional.grid_sample(last, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: true);
        return scope.MoveToOuter(warped + change);
    }

    /// <summary>The flow rows of the decoder's output (N, C + 2, H, W) in pixels, (N, 2, H, W), x then y.</summary>
    public static Tensor PixelFlow(Tensor decoded, long channels) => decoded.narrow(1, channels, 2) * PixelsPerUnit;

    /// <summary>The identity sampling grid (1, H, W, 2) in grid_sample's [−1, 1] coordinates, x then y.</summary>
    public static Tensor BaseGrid(long h, long w, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        var xs = linspace(-1, 1, w, dtype: dtype, device: device).view(1, 1, w, 1).expand(1, h, w, 1);
        var ys = linspace(-1, 1, h, dtype: dtype, device: device).view(1, h, 1, 1).expand(1, h, w, 1);
        return scope.MoveToOuter(cat([xs, ys], 3));
    }

    /// <summary>The scale (2) from flow units to grid coordinates: a pixel is 2 / (size − 1) of the grid.</summary>
    public static Tensor ToNormalised(long h, long w, ScalarType dtype, Device device) =>
        tensor(new[] { PixelsPerUnit * 2f / Math.Max(1, w - 1), PixelsPerUnit * 2f / Math.Max(1, h - 1) }, dtype: dtype, device: device);

    /// <summary>ONNX form of <see cref="Apply"/>: slices, the grid as an initializer plus the scaled flow, and <c>GridSample</c> (opset 16+).</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="decoded">The decoder's output (N, C + 2, H, W).</param>
    /// <param name="last">The frame to warp, (N, C, H, W).</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    public static string ExportOnnx(IOnnxGraph graph, string decoded, string last, int channels, int height, int width)
    {
        using var scope = graph.Scope("warp");
        string change = graph.Slice(decoded, 1, 0, channels);
        string flow = graph.Op("Transpose", [graph.Slice(decoded, 1, channels, channels + 2)], ("perm", new long[] { 0, 2, 3, 1 }));
        string grid;
        using (NewDisposeScope())
        {
            string baseGrid = graph.Initializer("base_grid", BaseGrid(height, width, ScalarType.Float32, CPU));
            string scale = graph.Initializer("flow_scale", ToNormalised(height, width, ScalarType.Float32, CPU));
            grid = graph.Op("Add", [baseGrid, graph.Op("Mul", [flow, scale])]);
        }

        string warped = graph.Op("GridSample", [last, grid], ("align_corners", 1L), ("mode", "bilinear"), ("padding_mode", "border"));
        return graph.Op("Add", [warped, change]);
    }
}
