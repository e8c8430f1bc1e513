using SvqVideo.Torch;
using SvqVideo.Torch.Onnx;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// The warped-residual read-out (<see cref="SimVPSettings.Warp"/>): the decoder's output (N, C + 2, H, W) is a change
/// (the first C channels) and a flow (the last two, x then y, in units of <see cref="SimVPSettings.WarpScale"/> pixels); the frame
/// is the last context frame sampled at each pixel's position plus its flow (bilinear, border padding, pixel centres
/// on the corners as in <c>align_corners=True</c>), plus the change.
/// </summary>
internal static class FlowWarp
{
    /// <summary>The default of <see cref="SimVPSettings.WarpScale"/>: pixels of displacement per unit of the decoder's flow output.</summary>
    public const float DefaultPixelsPerUnit = 4f;

    /// <param name="decoded">The decoder's output (N, C + 2, H, W).</param>
    /// <param name="last">The frame to warp, (N, C, H, W).</param>
    /// <param name="pixelsPerUnit">Pixels of displacement per unit of the flow rows.</param>
    public static Tensor Apply(Tensor decoded, Tensor last, float pixelsPerUnit)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(Apply(decoded, last, PixelFlow(decoded, last.shape[1], pixelsPerUnit)));
    }

    /// <summary><see cref="Apply(Tensor, Tensor, float)"/> with the flow already read out in pixels (<see cref="PixelFlow"/>).</summary>
    /// <param name="decoded">The decoder's output (N, C + 2, H, W); its first C channels are the change.</param>
    /// <param name="last">The frame to warp, (N, C, H, W).</param>
    /// <param name="pixelFlow">The flow in pixels, (N, 2, H, W).</param>
    public static Tensor Apply(Tensor decoded, Tensor last, Tensor pixelFlow)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(FlowSampling.Warp(last, pixelFlow) + decoded.narrow(1, 0, last.shape[1]));
    }

    /// <summary>The flow rows of the decoder's output (N, C + 2, H, W) in pixels, (N, 2, H, W), x then y.</summary>
    public static Tensor PixelFlow(Tensor decoded, long channels, float pixelsPerUnit) => decoded.narrow(1, channels, 2) * pixelsPerUnit;

    /// <summary>ONNX form of <see cref="Apply(Tensor, Tensor, float)"/>: slices, the flow scaled to pixels (plus <paramref name="priorFlow"/> when given), <see cref="FlowSampling.ExportOnnx"/>, and the change added.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="decoded">The decoder's output (N, C + 2, H, W).</param>
    /// <param name="last">The frame to warp, (N, C, H, W).</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="pixelsPerUnit">Pixels of displacement per unit of the flow rows.</param>
    /// <param name="priorFlow">A flow in pixels (N, 2, H, W) added to the decoder's, or <see langword="null"/>.</param>
    public static string ExportOnnx(IOnnxGraph graph, string decoded, string last, int channels, int height, int width, float pixelsPerUnit, string? priorFlow = null)
    {
        using var scope = graph.Scope("warp");
        string change = graph.Slice(decoded, 1, 0, channels);
        string flow = graph.Op("Mul", [graph.Slice(decoded, 1, channels, channels + 2), graph.Scalar("flow_scale", pixelsPerUnit)]);
        if (priorFlow is not null)
        {
            flow = graph.Op("Add", [flow, priorFlow]);
        }

        return graph.Op("Add", [FlowSampling.ExportOnnx(graph, last, flow, height, width), change]);
    }
}
