using SvqVideo.Testing;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>Builds the block a block-level golden fixture describes, from its kind and config.</summary>
internal static class FixtureBlocks
{
    /// <summary>The axis order every block works in.</summary>
    public const string Axes = "N,C,H,W";

    /// <summary>The keyword arguments of each reference constructor (OpenSTL c74deb5) that a config may carry.</summary>
    private static readonly Dictionary<string, string[]> Arguments = new(StringComparer.Ordinal)
    {
        ["simvp_gasubblock"] = ["dim", "kernel_size", "mlp_ratio", "drop", "drop_path", "init_value"],
        ["simvp_ginception_st"] = ["C_in", "C_hid", "C_out", "incep_ker", "groups"],
        ["simvp_convmixer_subblock"] = ["dim", "kernel_size"],
        ["simvp_poolformer_subblock"] = ["dim", "mlp_ratio", "drop", "drop_path"],
        ["simvp_van_subblock"] = ["dim", "mlp_ratio", "drop", "drop_path", "init_value"],
        ["simvp_tau_subblock"] = ["dim", "kernel_size", "mlp_ratio", "drop", "drop_path", "init_value"],
        ["simvp_hornet_subblock"] = ["dim", "mlp_ratio", "drop_path", "init_value"],
        ["simvp_moga_subblock"] = ["embed_dims", "mlp_ratio", "drop_rate", "drop_path_rate", "init_value", "attn_dw_dilation", "attn_channel_split"],
        ["simvp_uniformer_subblock"] = ["embed_dims", "mlp_ratio", "drop", "drop_path", "init_value", "block_type"],
        ["simvp_convnext_subblock"] = ["dim", "mlp_ratio", "drop", "drop_path"],
        ["simvp_mlp_subblock"] = ["dim", "input_resolution", "mlp_ratio", "drop", "drop_path"],
    };

    /// <summary>True for the kinds this library owns.</summary>
    public static bool IsBlockKind(string kind) =>
        kind is "simvp_gasubblock" or "simvp_ginception_st"
        || (kind.StartsWith("simvp_", StringComparison.Ordinal) && kind.EndsWith("_subblock", StringComparison.Ordinal));

    /// <exception cref="InvalidDataException">An unknown kind, or a config argument the block cannot take.</exception>
    public static nn.Module<Tensor, Tensor> Build(GoldenFixture fx)
    {
        var c = new FixtureConfig(fx.Config, fx.Name);
        if (!Arguments.TryGetValue(fx.Kind, out var known))
        {
            throw new InvalidDataException($"{fx.Name}: no builder for kind '{fx.Kind}'");
        }

        c.RequireOnly(known);
        return fx.Kind switch
        {
            "simvp_gasubblock" => new GASubBlock(
                c.Int("dim"), c.IntOr(21, "kernel_size"), c.DoubleOr(4.0, "mlp_ratio"),
                c.DoubleOr(0, "drop"), c.DoubleOr(0.1, "drop_path"), c.DoubleOr(1e-2, "init_value")),
            "simvp_ginception_st" => new GInceptionST(
                c.Int("C_in"), c.Int("C_hid"), c.Int("C_out"), c.IntsOr([3, 5, 7, 11], "incep_ker"), c.IntOr(8, "groups")),
            "simvp_convmixer_subblock" => new ConvMixerSubBlock(c.Int("dim"), c.IntOr(9, "kernel_size")),
            "simvp_poolformer_subblock" => new PoolFormerSubBlock(
                c.Int("dim"), c.DoubleOr(4.0, "mlp_ratio"), c.DoubleOr(0, "drop"), c.DoubleOr(0.1, "drop_path")),
            "simvp_van_subblock" => VanSubBlock.Create(
                c.Int("dim"), c.DoubleOr(4.0, "mlp_ratio"), c.DoubleOr(0, "drop"), c.DoubleOr(0, "drop_path"), c.DoubleOr(1e-2, "init_value")),
            "simvp_tau_subblock" => TauSubBlock.Create(
                c.Int("dim"), c.IntOr(21, "kernel_size"), c.DoubleOr(4.0, "mlp_ratio"), c.DoubleOr(0, "drop"), c.DoubleOr(0.1, "drop_path"), c.DoubleOr(1e-2, "init_value")),
            "simvp_hornet_subblock" => new HorNetSubBlock(
                c.Int("dim"), c.DoubleOr(4.0, "mlp_ratio"), c.DoubleOr(0.1, "drop_path"), c.DoubleOr(1e-6, "init_value")),
            "simvp_moga_subblock" => new MogaSubBlock(
                c.Int("embed_dims"), c.DoubleOr(4.0, "mlp_ratio"), c.DoubleOr(0, "drop_rate"), c.DoubleOr(0, "drop_path_rate"),
                c.DoubleOr(1e-5, "init_value"), c.IntsOr([1, 2, 3], "attn_dw_dilation"), c.IntsOr([1, 3, 4], "attn_channel_split")),
            "simvp_uniformer_subblock" => UniformerSubBlock.Create(
                c.Int("embed_dims"), c.DoubleOr(4.0, "mlp_ratio"), c.DoubleOr(0, "drop"), c.DoubleOr(0, "drop_path"),
                c.DoubleOr(1e-6, "init_value"), c.StringOr("Conv", "block_type")),
            "simvp_convnext_subblock" => new ConvNeXtSubBlock(c.Int("dim"), c.DoubleOr(4.0, "mlp_ratio"), c.DoubleOr(0.1, "drop_path")),
            "simvp_mlp_subblock" => new MlpMixerSubBlock(
                c.Int("dim"), Resolution(c.Ints("input_resolution")), c.DoubleOr(4.0, "mlp_ratio"), c.DoubleOr(0, "drop"), c.DoubleOr(0.1, "drop_path")),
            _ => throw new InvalidDataException($"{fx.Name}: no builder for kind '{fx.Kind}'"),
        };
    }

    private static (int Height, int Width) Resolution(int[] hw) =>
        hw.Length == 2 ? (hw[0], hw[1]) : throw new InvalidDataException($"input_resolution must be [h, w], got [{string.Join(", ", hw)}]");
}
