using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// MogaNet's multi-order depthwise value branch (<c>MultiOrderDWConv</c>): with split ratios r = s/Σs,
/// c1 = int(r1·C), c2 = int(r2·C), c0 = C − c1 − c2: <c>v0 = DW_conv0(x)</c> (5×5, dilation d0, all C),
/// <c>v1 = DW_conv1(v0[c0 : c0+c1])</c> (5×5, dilation d1), <c>v2 = DW_conv2(v0[C−c2 :])</c> (7×7, dilation d2),
/// then <c>PW_conv(cat(v0[: c0], v1, v2))</c> (1×1).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class MultiOrderDWConv : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d DW_conv0;
    private readonly Conv2d DW_conv1;
    private readonly Conv2d DW_conv2;
    private readonly Conv2d PW_conv;
    private readonly long _c0;
    private readonly long _c1;
    private readonly long _c2;

    public MultiOrderDWConv(long dim, int[] dilations, int[] channelSplit)
        : base(nameof(MultiOrderDWConv))
    {
        (_c0, _c1, _c2) = Split(dim, dilations, channelSplit);
        DW_conv0 = nn.Conv2d(dim, dim, 5, padding: (1 + 4 * dilations[0]) / 2, dilation: dilations[0], groups: dim);
        DW_conv1 = nn.Conv2d(_c1, _c1, 5, padding: (1 + 4 * dilations[1]) / 2, dilation: dilations[1], groups: _c1);
        DW_conv2 = nn.Conv2d(_c2, _c2, 7, padding: (1 + 6 * dilations[2]) / 2, dilation: dilations[2], groups: _c2);
        PW_conv = nn.Conv2d(dim, dim, 1);
        RegisterComponents();
    }

    /// <summary>The channel widths (c0, c1, c2) for C and the split, after the reference's checks.</summary>
    /// <exception cref="ArgumentException">Not three dilations in [1, 3] and three positive split parts, or C not divisible by their sum.</exception>
    public static (long C0, long C1, long C2) Split(long dim, int[] dilations, int[] channelSplit)
    {
        ArgumentNullException.ThrowIfNull(dilations);
        ArgumentNullException.ThrowIfNull(channelSplit);
        if (dilations.Length != 3 || channelSplit.Length != 3)
        {
            throw new ArgumentException($"moga needs 3 dilations and 3 channel-split parts, got [{string.Join(", ", dilations)}] and [{string.Join(", ", channelSplit)}]");
        }

        if (dilations.Any(d => d < 1 || d > 3))
        {
            throw new ArgumentException($"moga dilations must be in [1, 3], got [{string.Join(", ", dilations)}]", nameof(dilations));
        }

        if (channelSplit.Any(s => s <= 0))
        {
            throw new ArgumentException($"moga channel split parts must be positive, got [{string.Join(", ", channelSplit)}]", nameof(channelSplit));
        }

        int sum = channelSplit.Sum();
        BlockArguments.RequireDivisible(dim, sum, "embed_dims", $"moga splits the channels {string.Join(":", channelSplit)}");
        long c1 = (long)((double)channelSplit[1] / sum * dim);
        long c2 = (long)((double)channelSplit[2] / sum * dim);
        return (dim - c1 - c2, c1, c2);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var v0 = DW_conv0.forward(input);
        long dim = v0.shape[1];
        var v1 = DW_conv1.forward(v0.narrow(1, _c0, _c1));
        var v2 = DW_conv2.forward(v0.narrow(1, dim - _c2, _c2));
        var merged = cat([v0.narrow(1, 0, _c0), v1, v2], 1);
        return scope.MoveToOuter(PW_conv.forward(merged));
    }

    /// <summary>ONNX form: the same channel slices (<c>Slice</c>) and <c>Concat</c> around the four convs.</summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        string v0, v1, v2;
        using (graph.Scope("DW_conv0"))
        {
            v0 = graph.Conv(DW_conv0, input);
        }

        long dim = DW_conv0.out_channels;
        using (graph.Scope("DW_conv1"))
        {
            v1 = graph.Conv(DW_conv1, graph.Slice(v0, 1, _c0, _c0 + _c1));
        }

        using (graph.Scope("DW_conv2"))
        {
            v2 = graph.Conv(DW_conv2, graph.Slice(v0, 1, dim - _c2, dim));
        }

        string merged = graph.Op("Concat", [graph.Slice(v0, 1, 0, _c0), v1, v2], ("axis", 1L));
        using var scope = graph.Scope("PW_conv");
        return graph.Conv(PW_conv, merged);
    }
}
