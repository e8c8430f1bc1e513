using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// The <c>mlp</c> translator block (OpenSTL <c>MLPMixerSubBlock</c> over timm's <c>MixerBlock</c>): tokens
/// t (B, N = h·w, C); <c>t = t + DropPath(mlp_tokens(LN1(t)ᵀ)ᵀ)</c> mixes along the tokens (Linear N →
/// int(0.5·C) → N: the hidden width scales with C, not N); <c>t = t + DropPath(mlp_channels(LN2 t))</c>
/// (Linear C → int(mlp_ratio·C) → C); LayerNorm eps 1e-6. The resolution (h, w) is fixed at construction.
/// </summary>
internal sealed class MlpMixerSubBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly Mlp mlp_tokens;
    private readonly DropPath drop_path;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp_channels;
    private readonly (int Height, int Width) _resolution;

    public MlpMixerSubBlock(int dim, (int Height, int Width) inputResolution, double mlpRatio = 4.0, double drop = 0.0, double dropPath = 0.1)
        : base("MLPMixerSubBlock")
    {
        BlockArguments.RequirePositive(dim, "dim");
        BlockArguments.RequirePositive(inputResolution.Height, "input_resolution height");
        BlockArguments.RequirePositive(inputResolution.Width, "input_resolution width");
        BlockArguments.RequireMlpRatio(mlpRatio);
        BlockArguments.RequireRate(drop, "drop");
        _resolution = inputResolution;
        long tokens = (long)inputResolution.Height * inputResolution.Width;
        norm1 = nn.LayerNorm(dim, 1e-6);
        mlp_tokens = new Mlp(tokens, BlockArguments.HiddenWidth(dim, 0.5), drop);
        drop_path = new DropPath(dropPath);
        norm2 = nn.LayerNorm(dim, 1e-6);
        mlp_channels = new Mlp(dim, BlockArguments.HiddenWidth(dim, mlpRatio), drop);
        RegisterComponents();
        ReferenceInit.LinearTruncNormal(this);
    }

    public override Tensor forward(Tensor input)
    {
        long b = input.shape[0], c = input.shape[1], h = input.shape[2], w = input.shape[3];
        if (h * w != (long)_resolution.Height * _resolution.Width)
        {
            throw new ArgumentException($"the mlp translator was built for a {_resolution.Height}x{_resolution.Width} latent (its token MLP has a fixed length) but got {h}x{w}; rebuild the model for this frame size", nameof(input));
        }

        using var scope = NewDisposeScope();
        var t = input.flatten(2).transpose(1, 2);
        t = t + drop_path.forward(mlp_tokens.forward(norm1.forward(t).transpose(1, 2)).transpose(1, 2));
        t = t + drop_path.forward(mlp_channels.forward(norm2.forward(t)));
        return scope.MoveToOuter(t.reshape(b, h, w, c).permute(0, 3, 1, 2));
    }
}
