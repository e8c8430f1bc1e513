using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Translators;

/// <summary>
/// The <c>mlp</c> translator block (OpenSTL <c>MLPMixerSubBlock</c> over timm's <c>MixerBlock</c>): tokens
/// t (B, N = h·w, C); <c>t = t + DropPath(mlp_tokens(LN1(t)ᵀ)ᵀ)</c> mixes along the tokens (Linear N →
/// int(0.5·C) → N: the hidden width scales with C, not N); <c>t = t + DropPath(mlp_channels(LN2 t))</c>
/// (Linear C → int(mlp_ratio·C) → C); LayerNorm eps 1e-6. The resolution (h, w) is fixed at construction.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class MlpMixerSubBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
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

    /// <summary>
    /// ONNX form: tokens (B, h·w, C); the token MLP runs on the transposed LayerNorm output (its affine acts per
    /// channel, i.e. per row there, so it stays a <c>LayerNormalization</c> with scale and bias); <c>norm2</c>'s
    /// affine folds into <c>mlp_channels.fc1</c>; back to (B, C, h, w). The latent size is fixed at build time, as in
    /// the module.
    /// </summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        long c = norm1.normalized_shape[0];
        string t = graph.Op("Transpose", [graph.Reshape(input, 0, c, -1)], ("perm", new long[] { 0, 2, 1 }));
        string n;
        using (graph.Scope("norm1"))
        {
            n = graph.LayerNorm(norm1, t);
        }

        using (graph.Scope("mlp_tokens"))
        {
            string mixed = mlp_tokens.ExportScaled(graph, graph.Op("Transpose", [n], ("perm", new long[] { 0, 2, 1 })), null, null, null);
            t = graph.Op("Add", [t, graph.Op("Transpose", [mixed], ("perm", new long[] { 0, 2, 1 }))]);
        }

        using (graph.Scope("norm2"))
        {
            using var unit = ones(c);
            n = graph.LayerNorm(t, unit, null, norm2.eps);
        }

        using (graph.Scope("mlp_channels"))
        {
            t = graph.Op("Add", [t, mlp_channels.ExportScaled(graph, n, norm2.weight, norm2.bias, null)]);
        }

        return graph.Op("Reshape", [graph.Op("Transpose", [t], ("perm", new long[] { 0, 2, 1 })), graph.Op("Shape", [input])]);
    }
}
