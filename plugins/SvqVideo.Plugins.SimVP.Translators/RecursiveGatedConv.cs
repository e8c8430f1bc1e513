using System.Globalization;
using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// HorNet's recursive gated convolution (<c>gnconv</c>) of order n on (B, C, H, W), widths
/// d = [C/2^(n−1), …, C/2, C]: <c>f = proj_in(x)</c> (1×1 C → 2C) split into p (d0 channels) and the rest,
/// which goes through a depthwise 7×7 <c>dwconv</c> (Σd channels, scale 1.0) and is split into q0…q(n−1);
/// then <c>y = p ⊙ q0</c>, <c>y = pws.i(y) ⊙ q(i+1)</c> and <c>proj_out(y)</c>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class RecursiveGatedConv : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d proj_in;
    private readonly Conv2d dwconv;
    private readonly ModuleList<Conv2d> pws;
    private readonly Conv2d proj_out;
    private readonly long[] _dims;

    public RecursiveGatedConv(long dim, int order)
        : base("gnconv")
    {
        BlockArguments.RequirePositive(order, "order");
        long divisor = 1L << (order - 1);
        BlockArguments.RequireDivisible(dim, divisor, "dim", $"HorNet's order-{order} gnconv splits the channels into C/{divisor} … C");
        _dims = [.. Enumerable.Range(0, order).Select(i => dim >> (order - 1 - i))];
        long total = _dims.Sum();
        proj_in = nn.Conv2d(dim, 2 * dim, 1);
        dwconv = nn.Conv2d(total, total, 7, padding: 3, groups: total);
        pws = nn.ModuleList(Enumerable.Range(0, order - 1).Select(i => nn.Conv2d(_dims[i], _dims[i + 1], 1)).ToArray());
        proj_out = nn.Conv2d(dim, dim, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var fused = proj_in.forward(input);
        var pwa = fused.narrow(1, 0, _dims[0]);
        var abc = fused.narrow(1, _dims[0], fused.shape[1] - _dims[0]);
        var dw = dwconv.forward(abc).split(_dims, 1);
        var x = pwa * dw[0];
        for (int i = 0; i < pws.Count; i++)
        {
            x = pws[i].forward(x) * dw[i + 1];
        }

        return scope.MoveToOuter(proj_out.forward(x));
    }

    /// <summary>
    /// ONNX form of ls ⊙ gnconv(x·scale + shift): the input affine folded into <c>proj_in</c>, which is written as one
    /// 1×1 conv per part (p, then each qᵢ) so no slicing is needed; the depthwise <c>dwconv</c> acts per channel, so it
    /// splits the same way (grouped convs on each part with its rows of the weight); ls folded into <c>proj_out</c>.
    /// </summary>
    public string ExportScaled(IOnnxGraph graph, string x, Tensor scale, Tensor shift, Tensor layerScale)
    {
        using var scope = NewDisposeScope();
        var (win, bin) = OnnxFolding.FoldInputAffine(proj_in.weight!, proj_in.bias, scale, shift);
        var (wout, bout) = OnnxFolding.ScaleOutput(proj_out.weight!, proj_out.bias, layerScale);
        string p;
        using (graph.Scope("proj_in"))
        {
            p = graph.Conv(proj_in, x, win.narrow(0, 0, _dims[0]), bin.narrow(0, 0, _dims[0]));
        }

        var q = new string[_dims.Length];
        long offset = 0;
        for (int i = 0; i < _dims.Length; i++)
        {
            long d = _dims[i];
            using var part = graph.Scope("dwconv." + i.ToString(CultureInfo.InvariantCulture));
            string rows = graph.Conv(proj_in, x, win.narrow(0, _dims[0] + offset, d), bin.narrow(0, _dims[0] + offset, d));
            string w = graph.Initializer("weight", dwconv.weight!.narrow(0, offset, d));
            string b = graph.Initializer("bias", dwconv.bias!.narrow(0, offset, d));
            q[i] = graph.Op("Conv", [rows, w, b], ("kernel_shape", new long[] { 7, 7 }), ("pads", new long[] { 3, 3, 3, 3 }), ("group", d));
            offset += d;
        }

        string y = graph.Op("Mul", [p, q[0]]);
        for (int i = 0; i < pws.Count; i++)
        {
            using var pw = graph.Scope("pws." + i.ToString(CultureInfo.InvariantCulture));
            y = graph.Op("Mul", [graph.Conv(pws[i], y), q[i + 1]]);
        }

        using var outScope = graph.Scope("proj_out");
        return graph.Conv(proj_out, y, wout, bout);
    }
}
