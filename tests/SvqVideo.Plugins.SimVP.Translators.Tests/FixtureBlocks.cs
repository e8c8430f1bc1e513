using SvqVideo.Testing;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>Builds the block a block-level golden fixture describes, from its kind and config.</summary>
internal static class FixtureBlocks
{
    /// <summary>True for the kinds this library owns.</summary>
    public static bool IsBlockKind(string kind) =>
        kind is "simvp_gasubblock" or "simvp_ginception_st"
        || (kind.StartsWith("simvp_", StringComparison.Ordinal) && kind.EndsWith("_subblock", StringComparison.Ordinal));

    public static nn.Module<Tensor, Tensor> Build(GoldenFixture fx)
    {
        var c = new FixtureConfig(fx.Config, fx.Name);
        return fx.Kind switch
        {
            "simvp_gasubblock" => new GASubBlock(
                c.Int("dim"), c.IntOr(21, "kernel_size"), c.DoubleOr(4.0, "mlp_ratio"),
                c.DoubleOr(0, "drop"), c.DoubleOr(0, "drop_path"), c.DoubleOr(1e-2, "init_value")),
            "simvp_ginception_st" => new GInceptionST(
                c.Int("C_in"), c.Int("C_hid"), c.Int("C_out"), c.Ints("incep_ker"), c.IntOr(8, "groups")),
            _ => throw new InvalidDataException($"{fx.Name}: no builder for kind '{fx.Kind}'"),
        };
    }
}
