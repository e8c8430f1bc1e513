using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// <c>nn.PixelShuffle(r)</c> for 4-D input (N, C·r², H, W) → (N, C, H·r, W·r), written as a reshape, a
/// permutation and one contiguous copy. Pure data movement, so the result is bit-identical to libtorch's
/// pixel_shuffle, but libtorch 2.10's CPU kernel for it runs at half the speed of a plain strided copy
/// (measured on an 80×256×32×32 batch: 111 ms vs 45 ms on one thread). No parameters, so the state-dict
/// keys around it are unchanged.
/// </summary>
internal sealed class PixelShuffle2d : nn.Module<Tensor, Tensor>
{
    private readonly long _factor;

    public PixelShuffle2d(long factor)
        : base("PixelShuffle")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        _factor = factor;
    }

    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        long r = _factor;
        if (input.dim() != 4 || input.shape[1] % (r * r) != 0)
        {
            throw new ArgumentException($"pixel shuffle by {r} expects (N, C·{r * r}, H, W), got ({string.Join(", ", input.shape)})", nameof(input));
        }

        long n = input.shape[0], c = input.shape[1] / (r * r), h = input.shape[2], w = input.shape[3];
        using var scope = NewDisposeScope();
        var y = input.reshape(n, c, r, r, h, w).permute(0, 1, 4, 2, 5, 3).reshape(n, c, h * r, w * r);
        return scope.MoveToOuter(y);
    }
}
