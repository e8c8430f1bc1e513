using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Torch.Onnx;

/// <summary>
/// Inference-time folding of per-channel affine maps into neighbouring linear layers, as exporters use it:
/// a BatchNorm's running statistics as x·scale + shift, that affine folded into the 1×1 convolution or linear
/// layer that reads it, and a per-output scale (a layer scale) folded into the layer that writes it. The arithmetic
/// runs in float64 on the CPU; results are new float64 tensors the caller owns (graphs store them as float32).
/// </summary>
public static class OnnxFolding
{
    /// <summary>
    /// A BatchNorm in eval mode as a per-channel affine: scale = γ/√(running_var + eps),
    /// shift = β − running_mean·scale (γ = 1, β = 0 without affine parameters).
    /// </summary>
    /// <exception cref="OnnxExportNotSupportedException">The BatchNorm keeps no running statistics (it would normalise by batch statistics at inference).</exception>
    public static (Tensor Scale, Tensor Shift) BatchNormAffine(BatchNorm2d norm)
    {
        ArgumentNullException.ThrowIfNull(norm);
        if (norm.running_mean is null || norm.running_var is null)
        {
            throw new OnnxExportNotSupportedException("a BatchNorm without running statistics has no fixed inference form");
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var mean = norm.running_mean.detach().cpu().to(ScalarType.Float64);
        var variance = norm.running_var.detach().cpu().to(ScalarType.Float64);
        var gamma = norm.weight is { } w ? w.detach().cpu().to(ScalarType.Float64) : ones_like(mean);
        var beta = norm.bias is { } b ? b.detach().cpu().to(ScalarType.Float64) : zeros_like(mean);
        var scale = gamma / (variance + norm.eps).sqrt();
        var shift = beta - (mean * scale);
        return (scope.MoveToOuter(scale), scope.MoveToOuter(shift));
    }

    /// <summary>
    /// Folds an affine on the input, y = layer(x·scale + shift), into a layer that mixes channels without looking
    /// at neighbours: a Linear weight (out, in) or a 1×1 ungrouped, unpadded conv weight (out, in, 1, 1).
    /// Returns W' = W·diag(scale) and b' = b + W·shift (b taken as 0 when null). Exact, because nothing pads the
    /// shifted input.
    /// </summary>
    /// <exception cref="ArgumentException">The weight is not (out, in) or (out, in, 1, 1), or the vectors do not have length in.</exception>
    public static (Tensor Weight, Tensor Bias) FoldInputAffine(Tensor weight, Tensor? bias, Tensor? scale, Tensor? shift)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var shape = weight.shape;
        if (!(shape.Length == 2 || (shape.Length == 4 && shape[2] == 1 && shape[3] == 1)))
        {
            throw new ArgumentException($"only a (out, in) or (out, in, 1, 1) weight can absorb an input affine, got [{string.Join(",", shape)}]", nameof(weight));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var w = weight.detach().cpu().to(ScalarType.Float64).reshape(shape[0], shape[1]);
        var b = bias is null ? zeros(shape[0], dtype: ScalarType.Float64) : bias.detach().cpu().to(ScalarType.Float64);
        var s = scale is null ? ones(shape[1], dtype: ScalarType.Float64) : Vector(scale, shape[1], nameof(scale));
        var t = shift is null ? zeros(shape[1], dtype: ScalarType.Float64) : Vector(shift, shape[1], nameof(shift));
        var folded = (w * s.unsqueeze(0)).reshape(shape);
        var foldedBias = b + w.matmul(t);
        return (scope.MoveToOuter(folded), scope.MoveToOuter(foldedBias));
    }

    /// <summary>
    /// Folds a per-output-channel scale applied after a layer, y = scale ⊙ layer(x), into the layer's weight
    /// (any shape with outputs first) and bias: W' = scale[o]·W[o, …], b' = scale ⊙ b (0 when null).
    /// </summary>
    /// <exception cref="ArgumentException">The scale does not have one entry per output.</exception>
    public static (Tensor Weight, Tensor Bias) ScaleOutput(Tensor weight, Tensor? bias, Tensor scale)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(scale);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long outputs = weight.shape[0];
        var s = Vector(scale, outputs, nameof(scale));
        var w = weight.detach().cpu().to(ScalarType.Float64);
        var view = new long[weight.dim()];
        Array.Fill(view, 1L);
        view[0] = outputs;
        var folded = w * s.reshape(view);
        var b = bias is null ? zeros(outputs, dtype: ScalarType.Float64) : bias.detach().cpu().to(ScalarType.Float64);
        return (scope.MoveToOuter(folded), scope.MoveToOuter(b * s));
    }

    private static Tensor Vector(Tensor v, long length, string name)
    {
        var flat = v.detach().cpu().to(ScalarType.Float64).reshape(-1);
        if (flat.shape[0] != length)
        {
            throw new ArgumentException($"{name} has {flat.shape[0]} entries, the layer has {length} channels", name);
        }

        return flat;
    }
}
