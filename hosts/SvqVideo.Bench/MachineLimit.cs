using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace SvqVideo.Bench;

/// <summary>
/// The machine's own limit through TorchSharp: fp32 GEMM (2048³) and one 3×3 convolution
/// (8×128×64×64 → 128 channels). Rates are in fvcore units (one multiply-add = one FLOP), the unit of
/// every model figure here; the conventional 2·n³ GEMM figure is twice the number shown.
/// </summary>
internal static class MachineLimit
{
    public const long GemmSize = 2048;

    private const double GemmMacs = (double)GemmSize * GemmSize * GemmSize;

    /// <summary>fp32 GEMM 2048³ in multiply-add GFLOP/s, measured now (model rows measure it next to their own timings).</summary>
    public static double GemmGflops(BenchOptions options)
    {
        using var mode = inference_mode();
        using var scope = NewDisposeScope();
        return GemmMacs / MeasureGemm(options).Median / 1e9;
    }

    private static Samples MeasureGemm(BenchOptions options)
    {
        using var scope = NewDisposeScope();
        var a = randn(GemmSize, GemmSize);
        var b = randn(GemmSize, GemmSize);
        return Timing.Measure(options.Warmup, Math.Max(options.Reps, 3), () =>
        {
            using var s = NewDisposeScope();
            _ = a.mm(b);
        });
    }

    public static JsonObject Measure(BenchOptions options)
    {
        using var mode = inference_mode();
        using var scope = NewDisposeScope();
        manual_seed(0);
        var gemm = MeasureGemm(options);

        var x = randn(8, 128, 64, 64);
        var w = randn(128, 128, 3, 3);
        var conv = Timing.Measure(options.Warmup, Math.Max(options.Reps, 3), () =>
        {
            using var s = NewDisposeScope();
            _ = nn.functional.conv2d(x, w, padding: [1, 1]);
        });
        double convMacs = 8.0 * 128 * 64 * 64 * 128 * 9;

        return new JsonObject
        {
            ["threads"] = get_num_threads(),
            ["gemm_seconds"] = gemm.Median,
            ["gemm_gflops"] = GemmMacs / gemm.Median / 1e9,
            ["gemm_gflops_2n3"] = 2 * GemmMacs / gemm.Median / 1e9,
            ["conv3x3_seconds"] = conv.Median,
            ["conv3x3_gflops"] = convMacs / conv.Median / 1e9,
        };
    }
}
