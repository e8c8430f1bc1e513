using System.Globalization;
using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// IncepU's block (OpenSTL <c>gInception_ST</c>) on (B, C_in, H, W) → (B, C_out, H, W):
/// <c>x = conv1(x)</c> (1×1, C_in → C_hid), then the sum over the kernels k of
/// LeakyReLU<sub>0.2</sub>(GroupNorm<sub>g</sub>(Conv<sub>k</sub>(x))), each Conv<sub>k</sub> grouped
/// (g groups, padding k//2, C_hid → C_out). g = <c>groups</c> when C_hid is divisible by it, else 1
/// (the reference's fallback); the GroupNorm uses the same g. Keys <c>conv1.*</c>,
/// <c>layers.{l}.conv.*</c>, <c>layers.{l}.norm.*</c>. Default (PyTorch) initialisation.
/// Not thread-safe; dispose to free its parameters.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
public sealed class GInceptionST : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv2d conv1;
    private readonly ModuleList<GroupConv2d> layers;

    /// <param name="cIn">Input channels C_in.</param>
    /// <param name="cHid">Hidden channels C_hid after <c>conv1</c> (SimVP uses hid_T/2).</param>
    /// <param name="cOut">Output channels C_out.</param>
    /// <param name="incepKer">Odd branch kernel sizes (SimVP uses [3, 5, 7, 11]).</param>
    /// <param name="groups">Groups of the branch convs and norms (SimVP uses 8); falls back to 1 when C_hid is not divisible by it.</param>
    /// <exception cref="ArgumentException">A width is not positive, the kernel list is empty or holds an even or non-positive size, or C_out is not divisible by the groups in use.</exception>
    public GInceptionST(int cIn, int cHid, int cOut, int[] incepKer, int groups)
        : base("gInception_ST")
    {
        ArgumentNullException.ThrowIfNull(incepKer);
        BlockArguments.RequirePositive(cIn, "C_in");
        BlockArguments.RequirePositive(cHid, "C_hid");
        BlockArguments.RequirePositive(cOut, "C_out");
        BlockArguments.RequirePositive(groups, "groups");
        if (incepKer.Length == 0 || incepKer.Any(k => k <= 0 || k % 2 == 0))
        {
            throw new ArgumentException($"incep_ker must be a non-empty list of odd positive kernel sizes, got [{string.Join(", ", incepKer)}]", nameof(incepKer));
        }

        Groups = cHid % groups == 0 ? groups : 1;
        BlockArguments.RequireDivisible(cOut, Groups, "C_out", $"GroupNorm uses {Groups} groups");
        conv1 = nn.Conv2d(cIn, cHid, 1);
        layers = nn.ModuleList(incepKer.Select(k => new GroupConv2d(cHid, cOut, k, Groups)).ToArray());
        RegisterComponents();
    }

    /// <summary>The number of groups actually used (the requested one, or 1 after the fallback).</summary>
    public int Groups { get; }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = conv1.forward(input);
        var y = layers[0].forward(x);
        for (int l = 1; l < layers.Count; l++)
        {
            y = y + layers[l].forward(x);
        }

        return scope.MoveToOuter(y);
    }

    /// <summary>
    /// The block as ONNX nodes (see <see cref="IOnnxExportable"/>): <c>conv1</c>, then each branch (grouped conv,
    /// GroupNorm, LeakyReLU 0.2) summed with <c>Add</c> in the module's order.
    /// </summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        string x;
        using (graph.Scope("conv1"))
        {
            x = graph.Conv(conv1, input);
        }

        string? y = null;
        for (int l = 0; l < layers.Count; l++)
        {
            using var scope = graph.Scope("layers." + l.ToString(CultureInfo.InvariantCulture));
            string branch = layers[l].ExportOnnx(graph, x);
            y = y is null ? branch : graph.Op("Add", [y, branch]);
        }

        return y!;
    }
}
