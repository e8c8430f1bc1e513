using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>The float64 references of IncepU's gInception_ST and its U-shaped translator (tests/fixtures/README.md, "SimVP").</summary>
internal static class InceptionReference
{
    public static readonly int[] Kernels = [3, 5, 7, 11];

    /// <summary>
    /// <c>x = conv1(x)</c>, then Σ over the kernels of LeakyReLU_0.2(GroupNorm_g(Conv_k(x))) with g = <paramref name="groups"/>
    /// when C_hid is divisible by it, else 1, for both the grouped convs and the norms.
    /// </summary>
    public static Tensor GInceptionSt(Tensor x, Weights w, int[] kernels, int groups)
    {
        var h = Ops.Conv(x, w, "conv1");
        long g = h.shape[1] % groups == 0 ? groups : 1;
        Tensor? sum = null;
        for (int l = 0; l < kernels.Length; l++)
        {
            var branch = Ops.Conv(h, w, $"layers.{l}.conv", kernels[l] / 2, 1, g);
            branch = Ops.LeakyRelu(Ops.GroupNorm(branch, g, w, $"layers.{l}.norm"), 0.2);
            sum = sum is null ? branch : sum + branch;
        }

        return sum!;
    }

    /// <summary>
    /// MidIncepNet with N_T = <paramref name="depth"/>: encoder blocks <c>enc.j</c> keep their first N_T − 1 outputs as
    /// skips; <c>dec.0</c> runs on the last encoder output and <c>dec.j</c> (j ≥ 1) on cat(z, skips[N_T − 1 − j]).
    /// </summary>
    public static Tensor MidIncepNet(Tensor x, Weights w, int depth)
    {
        var skips = new List<Tensor>();
        var z = x;
        for (int j = 0; j < depth; j++)
        {
            z = GInceptionSt(z, w.Under($"enc.{j}."), Kernels, 8);
            if (j < depth - 1)
            {
                skips.Add(z);
            }
        }

        z = GInceptionSt(z, w.Under("dec.0."), Kernels, 8);
        for (int j = 1; j < depth; j++)
        {
            z = GInceptionSt(cat([z, skips[depth - 1 - j]], 1), w.Under($"dec.{j}."), Kernels, 8);
        }

        return z;
    }
}
