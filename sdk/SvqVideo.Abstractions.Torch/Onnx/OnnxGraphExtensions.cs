using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Torch.Onnx;

/// <summary>
/// Conveniences for writing subgraphs: single-output nodes, constants, and the ONNX form of common TorchSharp
/// modules (Conv2d, Linear, GroupNorm, LayerNorm) and activations, each exactly what the module computes in eval
/// mode. Every helper copies the weights it needs; none changes a module.
/// </summary>
public static class OnnxGraphExtensions
{
    private static readonly KeyValuePair<string, object>[] NoAttributes = [];

    /// <summary>Adds a node with one output and returns its name.</summary>
    public static string Op(this IOnnxGraph graph, string opType, IReadOnlyList<string> inputs, params (string Name, object Value)[] attributes)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(attributes);
        var list = attributes.Length == 0 ? NoAttributes : attributes.Select(a => new KeyValuePair<string, object>(a.Name, a.Value)).ToArray();
        return graph.Node(opType, inputs, 1, list)[0];
    }

    /// <summary>A float32 scalar constant (rank 0, broadcasts against anything).</summary>
    public static string Scalar(this IOnnxGraph graph, string name, double value)
    {
        ArgumentNullException.ThrowIfNull(graph);
        using var t = tensor((float)value);
        return graph.Initializer(name, t);
    }

    /// <summary>A one-dimensional int64 constant, e.g. a shape for <c>Reshape</c> or axes.</summary>
    public static string Int64s(this IOnnxGraph graph, string name, params long[] values)
    {
        ArgumentNullException.ThrowIfNull(graph);
        using var t = tensor(values, dtype: ScalarType.Int64);
        return graph.Initializer(name, t);
    }

    /// <summary>
    /// <c>Reshape</c> to <paramref name="shape"/> (ONNX rules: 0 keeps that axis, −1 is inferred; use −1 for the
    /// dynamic batch axis).
    /// </summary>
    public static string Reshape(this IOnnxGraph graph, string input, params long[] shape) =>
        graph.Op("Reshape", [input, graph.Int64s("shape", shape)]);

    /// <summary>Elements [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="axis"/> (<c>Slice</c>).</summary>
    public static string Slice(this IOnnxGraph graph, string input, long axis, long start, long end)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Op("Slice", [input, graph.Int64s("starts", start), graph.Int64s("ends", end), graph.Int64s("axes", axis)]);
    }

    /// <summary>
    /// <c>ReduceMean</c> over <paramref name="axes"/>: the axes are an attribute before opset 18 and an input from
    /// opset 18 on, so contributors stay valid for every opset the exporter writes.
    /// </summary>
    public static string ReduceMean(this IOnnxGraph graph, string input, long[] axes, bool keepDims = true)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(axes);
        long keep = keepDims ? 1 : 0;
        return graph.Opset >= 18
            ? graph.Op("ReduceMean", [input, graph.Int64s("axes", axes)], ("keepdims", keep))
            : graph.Op("ReduceMean", [input], ("axes", axes), ("keepdims", keep));
    }

    /// <summary>
    /// The ONNX <c>Conv</c> of a TorchSharp <see cref="Conv2d"/> (stride, padding including <c>same</c>, dilation,
    /// groups), with the module's weight and bias unless replacements (for example folded ones) are given.
    /// </summary>
    /// <exception cref="OnnxExportNotSupportedException">A padding mode other than zeros.</exception>
    public static string Conv(this IOnnxGraph graph, Conv2d conv, string input, Tensor? weight = null, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(conv);
        if (conv.padding_mode != PaddingModes.Zeros)
        {
            throw new OnnxExportNotSupportedException($"Conv2d with padding mode {conv.padding_mode} has no ONNX Conv form (only zero padding)");
        }

        long[] kernel = conv.kernel_size, dilation = conv.dilation;
        long[] pads;
        if (conv.padding_type == Padding.Same)
        {
            // PyTorch's 'same' puts the odd extra column (even kernels) after the input, as ONNX's pads allow.
            long h = dilation[0] * (kernel[0] - 1), w0 = dilation[1] * (kernel[1] - 1);
            pads = [h / 2, w0 / 2, h - (h / 2), w0 - (w0 / 2)];
        }
        else
        {
            var p = conv.padding ?? throw new OnnxExportNotSupportedException("Conv2d without explicit padding");
            pads = [p[0], p[1], p[0], p[1]];
        }

        string w = graph.Initializer("weight", weight ?? conv.weight!);
        var b = bias ?? conv.bias;
        string[] inputs = b is null ? [input, w] : [input, w, graph.Initializer("bias", b)];
        return graph.Op("Conv", inputs, ("kernel_shape", kernel), ("strides", conv.stride), ("pads", pads), ("dilations", dilation), ("group", conv.groups));
    }

    /// <summary>
    /// A <see cref="Linear"/> layer applied to the channel axis of (N, C, H, W) — what a Linear on channel-last
    /// tokens computes — written as a 1×1 <c>Conv</c> (optionally with replacement weight (out, in) and bias).
    /// </summary>
    public static string PointwiseLinear(this IOnnxGraph graph, Linear linear, string input, Tensor? weight = null, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(linear);
        var w = weight ?? linear.weight!;
        using var w4 = w.reshape(w.shape[0], w.shape[1], 1, 1);
        string wName = graph.Initializer("weight", w4);
        var b = bias ?? linear.bias;
        string[] inputs = b is null ? [input, wName] : [input, wName, graph.Initializer("bias", b)];
        return graph.Op("Conv", inputs, ("kernel_shape", new long[] { 1, 1 }));
    }

    /// <summary>A <see cref="Linear"/> layer on the last axis of any-rank input: <c>MatMul</c> by Wᵀ, then <c>Add</c> b.</summary>
    public static string Linear(this IOnnxGraph graph, Linear linear, string input, Tensor? weight = null, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(linear);
        using var wt = (weight ?? linear.weight!).t().contiguous();
        string y = graph.Op("MatMul", [input, graph.Initializer("weight_t", wt)]);
        var b = bias ?? linear.bias;
        return b is null ? y : graph.Op("Add", [y, graph.Initializer("bias", b)]);
    }

    /// <summary>
    /// Exact (erf) GELU, x·½·(1 + erf(x/√2)), in the node order ONNX Runtime fuses into one Gelu kernel.
    /// </summary>
    public static string Gelu(this IOnnxGraph graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        string e = graph.Op("Erf", [graph.Op("Div", [input, graph.Scalar("sqrt2", Math.Sqrt(2.0))])]);
        string m = graph.Op("Mul", [input, graph.Op("Add", [e, graph.Scalar("one", 1.0)])]);
        return graph.Op("Mul", [m, graph.Scalar("half", 0.5)]);
    }

    /// <summary>SiLU, x·sigmoid(x).</summary>
    public static string Silu(this IOnnxGraph graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Op("Mul", [input, graph.Op("Sigmoid", [input])]);
    }

    /// <summary>x·scale[c] + shift[c] on (N, C, H, W) for per-channel vectors (C); either may be null.</summary>
    public static string ChannelAffine(this IOnnxGraph graph, string input, Tensor? scale, Tensor? shift)
    {
        ArgumentNullException.ThrowIfNull(graph);
        string y = input;
        if (scale is not null)
        {
            using var s = scale.reshape(-1, 1, 1);
            y = graph.Op("Mul", [y, graph.Initializer("scale", s)]);
        }

        if (shift is not null)
        {
            using var t = shift.reshape(-1, 1, 1);
            y = graph.Op("Add", [y, graph.Initializer("shift", t)]);
        }

        return y;
    }

    /// <summary>
    /// GroupNorm on (N, C, …) with the module's groups and eps: a <c>Reshape</c> to (N, G, rest), an
    /// <c>InstanceNormalization</c> (unit scale, zero bias), a <c>Reshape</c> back to the input's shape, then the
    /// module's per-channel affine unless <paramref name="withAffine"/> is false (for callers that fold it into the
    /// next layer).
    /// </summary>
    public static string GroupNorm(this IOnnxGraph graph, GroupNorm norm, string input, bool withAffine = true)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(norm);
        long groups = norm.num_groups;
        using var unit = ones(groups);
        using var none = zeros(groups);
        string grouped = graph.Reshape(input, 0, groups, -1);
        string normalised = graph.Op("InstanceNormalization", [grouped, graph.Initializer("unit_scale", unit), graph.Initializer("zero_bias", none)], ("epsilon", norm.eps));
        string y = graph.Op("Reshape", [normalised, graph.Op("Shape", [input])]);
        return withAffine && norm.affine ? graph.ChannelAffine(y, norm.weight, norm.bias) : y;
    }

    /// <summary><c>LayerNormalization</c> (opset 17) over the last axis with the module's eps and affine parameters.</summary>
    /// <exception cref="OnnxExportNotSupportedException">The module normalises over more than the last axis.</exception>
    public static string LayerNorm(this IOnnxGraph graph, LayerNorm norm, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(norm);
        if (norm.normalized_shape.Length != 1)
        {
            throw new OnnxExportNotSupportedException($"LayerNorm over {norm.normalized_shape.Length} axes is not exported (only the last axis)");
        }

        return graph.LayerNorm(input, norm.weight, norm.bias, norm.eps);
    }

    /// <summary><c>LayerNormalization</c> (opset 17) over the last axis with the given affine parameters (null: 1 and 0).</summary>
    public static string LayerNorm(this IOnnxGraph graph, string input, Tensor? weight, Tensor? bias, double eps)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (weight is null)
        {
            throw new OnnxExportNotSupportedException("LayerNorm without a weight is not exported");
        }

        string w = graph.Initializer("weight", weight);
        string[] inputs = bias is null ? [input, w] : [input, w, graph.Initializer("bias", bias)];
        return graph.Op("LayerNormalization", inputs, ("axis", -1L), ("epsilon", eps));
    }
}
