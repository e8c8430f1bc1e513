using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Onnx.Tests;

/// <summary>
/// How far a model's discrete quantizer decisions on an input are from a tie, measured on the TorchSharp model alone:
/// the gap between the best and second-best nearest-code scores |e|² − 2x·e (vq, and every layer of rvq), the
/// distance of a feature from 0 before its sign is taken (lfq), the distance of a bounded value from a rounding
/// boundary (fsq); +∞ for continuous quantizers and models without one. Two float32 implementations (libtorch and
/// ONNX Runtime, or libtorch on two devices) may break a tie closer than their rounding differently; parity at 1e-4
/// is only defined away from such ties, so the parity tests check this precondition first.
/// </summary>
internal static class DecisionMargins
{
    /// <summary>
    /// Decisions closer to a tie than this are float32 noise: the two runtimes' latents differ by about 1e-6 and
    /// scores of order 1 round at about 1e-7, so a gap of 1e-6 is several rounding steps wide.
    /// </summary>
    public const double Noise = 1e-6;

    public static double Smallest(IForecastModel model, Tensor frames)
    {
        if (model.Quantizer is not { } q || model is not ILatentEncoder encoder)
        {
            return double.PositiveInfinity;
        }

        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var latents = encoder.EncodeLatents(frames);
        var tokens = latents.permute(0, 2, 3, 1).reshape(-1, latents.shape[1]).to(ScalarType.Float64);
        var state = q.Module.state_dict();
        return q.Options.Kind switch
        {
            "vq" => NearestCodeGaps(tokens, [state["_codebook.embed"][0]]),
            "rvq" => NearestCodeGaps(tokens, state.Where(kv => kv.Key.EndsWith("._codebook.embed", StringComparison.Ordinal)).OrderBy(kv => LayerIndex(kv.Key)).Select(kv => kv.Value[0]).ToList()),
            "lfq" => Projected(tokens, state).abs().min().item<double>(),
            "fsq" => RoundingMargin(Projected(tokens, state), q.Options.GetIntList("levels", [8, 5, 5, 3])),
            _ => double.PositiveInfinity,
        };
    }

    private static double NearestCodeGaps(Tensor tokens, IReadOnlyList<Tensor> codebooks)
    {
        double smallest = double.PositiveInfinity;
        var residual = tokens;
        foreach (var codebook in codebooks)
        {
            var e = codebook.to(ScalarType.Float64);
            var scores = e.square().sum(-1).unsqueeze(0) - (2 * residual.matmul(e.t()));
            var sorted = scores.sort(1).Values;
            smallest = Math.Min(smallest, (sorted[.., 1] - sorted[.., 0]).min().item<double>());
            residual = residual - e.index_select(0, scores.argmin(1));
        }

        return smallest;
    }

    private static Tensor Projected(Tensor tokens, IReadOnlyDictionary<string, Tensor> state) =>
        state.TryGetValue("project_in.weight", out var w)
            ? tokens.matmul(w.to(ScalarType.Float64).t()) + state["project_in.bias"].to(ScalarType.Float64)
            : tokens;

    private static double RoundingMargin(Tensor z, int[] levels)
    {
        var l = tensor(levels.Select(v => (double)v).ToArray());
        var halfL = (l - 1) * ((1 - 1e-3) / 2);
        var offset = where(l.remainder(2).eq(0), 0.5, 0.0);
        var bounded = (z + (offset / halfL).atanh()).tanh() * halfL - offset;
        return (0.5 - (bounded - bounded.round()).abs()).min().item<double>();
    }

    private static int LayerIndex(string key) => int.Parse(key.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture);
}
