using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// Stochastic depth on a residual branch (timm's <c>DropPath</c>): in training mode each sample of the
/// batch is kept with probability 1 − p and, when kept, scaled by 1/(1 − p); in eval mode, or with
/// p = 0, it is the identity. The mask is drawn from torch's global generator on the input's device.
/// </summary>
internal sealed class DropPath : nn.Module<Tensor, Tensor>
{
    private readonly double _p;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1].</exception>
    public DropPath(double p)
        : base(nameof(DropPath))
    {
        if (double.IsNaN(p) || p < 0 || p > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "drop_path must be in [0, 1]");
        }

        _p = p;
    }

    /// <summary>The probability of dropping a sample's branch.</summary>
    public double Probability => _p;

    public override Tensor forward(Tensor input)
    {
        if (!training || _p == 0)
        {
            return input;
        }

        using var scope = NewDisposeScope();
        double keep = 1 - _p;
        var shape = new long[input.dim()];
        Array.Fill(shape, 1L);
        shape[0] = input.shape[0];
        var mask = empty(shape, dtype: input.dtype, device: input.device).bernoulli_(keep);
        if (keep > 0)
        {
            mask.div_(keep);
        }

        return scope.MoveToOuter(input * mask);
    }
}
