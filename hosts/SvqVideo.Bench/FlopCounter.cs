using System.Globalization;
using SvqVideo.Torch;
using TorchSharp.Modules;

namespace SvqVideo.Bench;

/// <summary>
/// Forward FLOPs of a SimVP model counted analytically per layer the way fvcore counts them: one
/// multiply-add is one FLOP, and only convolutions, linear layers and matrix products count (norms,
/// activations, pooling and element-wise ops are left out, as fvcore leaves most of them).
/// Each Conv2d / Linear is found by walking the module tree; the size it runs at follows from where it
/// sits: encoder layer i outputs H / 2^⌈i/2⌉ (odd layers downsample), the translator runs at the latent
/// h×w on B samples of T·hid_S channels, decoder layer i convolves at h·2^⌈i/2⌉ (even layers upsample
/// after the convolution), the readout at full size. Matrix products outside modules are added by rule:
/// self-attention (2·n²·C per sample) and each quantizer's codebook products.
/// </summary>
internal static class FlopCounter
{
    /// <summary>Forward FLOPs (multiply-adds) for one sequence in inference mode.</summary>
    public static double PerSequence(IForecastModel model, ModelSpec spec)
    {
        var c = model.Config;
        int nS = c.GetInt("N_S", 4);
        int scale = 1 << (nS / 2);
        int t = c.FramesIn, height = c.Height, width = c.Width;
        long h = height / scale, w = width / scale;
        long tokens = t * h * w;
        var modules = model.Module.named_modules().ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
        int codes = model.Quantizer?.Options.CodebookSize ?? 0;
        double total = 0;
        foreach (var (name, module) in modules)
        {
            var parts = name.Split('.');
            switch (module)
            {
                case Conv2d conv:
                    var k = conv.weight!.shape;
                    double perPosition = (double)k[0] * k[1] * k[2] * k[3];
                    total += perPosition * ConvPositions(parts, t, height, width, h, w);
                    break;
                case Linear linear:
                    var s = linear.weight!.shape;
                    long outF = s[0], inF = s[1];
                    if (parts[0] == "vq" && spec.Quantizer.StartsWith("svq", StringComparison.Ordinal) && outF == codes)
                    {
                        // The weight layer h → N: counted below, path by path.
                        break;
                    }

                    total += (double)inF * outF * LinearRows(name, parts, modules, h, w, tokens);
                    break;
                default:
                    if (module.GetType().Name == "MultiHeadSelfAttention")
                    {
                        var qkv = (Linear)modules[name + ".qkv"];
                        long dim = qkv.weight!.shape[1];
                        long n = h * w;
                        total += 2.0 * n * n * dim;
                    }

                    break;
            }
        }

        return total + QuantizerProducts(model, spec, tokens);
    }

    private static double ConvPositions(string[] parts, int t, int height, int width, long h, long w)
    {
        switch (parts[0])
        {
            case "enc":
                int i = int.Parse(parts[2], CultureInfo.InvariantCulture);
                int down = (i + 1) / 2;
                return (double)t * (height >> down) * (width >> down);
            case "dec" when parts[1] == "readout":
                return (double)t * height * width;
            case "dec":
                int j = int.Parse(parts[2], CultureInfo.InvariantCulture);
                int up = (j + 1) / 2;
                return (double)t * (h << up) * (w << up);
            case "hid":
                return (double)h * w;
            default:
                throw new InvalidOperationException($"flop counter: no size rule for convolution '{string.Join('.', parts)}'");
        }
    }

    private static double LinearRows(string name, string[] parts, Dictionary<string, TorchSharp.torch.nn.Module> modules, long h, long w, long tokens)
    {
        if (parts[0] == "vq")
        {
            return tokens;
        }

        if (parts[0] != "hid")
        {
            throw new InvalidOperationException($"flop counter: no size rule for linear layer '{name}'");
        }

        int tokenMlp = Array.IndexOf(parts, "mlp_tokens");
        if (tokenMlp >= 0)
        {
            // MLP-Mixer's token MLP mixes the h·w positions of each of the block's C channels.
            string block = string.Join('.', parts[..tokenMlp]);
            return ((Linear)modules[block + ".mlp_channels.fc1"]).weight!.shape[1];
        }

        if (Array.IndexOf(parts, "fc") >= 0)
        {
            // TAU's squeeze-excitation acts on the pooled (B, C) vector.
            return 1;
        }

        return (double)h * w;
    }

    private static double QuantizerProducts(IForecastModel model, ModelSpec spec, long tokens)
    {
        var q = model.Quantizer;
        if (q is null)
        {
            return 0;
        }

        long n = q.Options.CodebookSize, dim = q.Options.Dimension;
        switch (spec.Quantizer)
        {
            case "svq-fast":
            case "svq-explicit":
                long hidden = Math.Min(q.Options.GetInt("middim", 128), n);
                return spec.Quantizer == "svq-fast"
                    ? ((double)hidden * n * dim) + ((double)n * dim) + ((double)tokens * hidden * dim)
                    : ((double)tokens * hidden * n) + ((double)tokens * n * dim);
            case "vq":
                return (double)tokens * n * dim;
            case "rvq":
                return (double)tokens * n * dim * q.Options.GetInt("num_quantizers", 8);
            default:
                return 0;
        }
    }
}
