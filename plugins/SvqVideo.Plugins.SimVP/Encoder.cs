using System.Globalization;
using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// SimVP's spatial encoder (OpenSTL <c>Encoder</c>): N_S <see cref="ConvSC"/> layers under <c>enc.{i}</c>,
/// C_in → C_hid first and C_hid → C_hid after, downsampling by 2 on odd layers. Maps frames
/// (N, C_in, H, W) to the latent (N, C_hid, H/2^(N_S/2), W/2^(N_S/2)) and returns the first layer's
/// full-resolution output <c>enc1</c> as the decoder's skip.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class Encoder : nn.Module<Tensor, (Tensor Latent, Tensor Enc1)>
{
    private readonly ModuleList<ConvSC> enc;

    public Encoder(int cIn, int cHid, int nS, int spatioKernel)
        : base(nameof(Encoder))
    {
        SimVPArguments.RequireEncoderShape(cIn, cHid, nS, spatioKernel);
        var layers = new ConvSC[nS];
        for (int i = 0; i < nS; i++)
        {
            layers[i] = new ConvSC(i == 0 ? cIn : cHid, cHid, spatioKernel, downsampling: i % 2 == 1, upsampling: false);
        }

        enc = nn.ModuleList(layers);
        RegisterComponents();
    }

    public override (Tensor Latent, Tensor Enc1) forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var enc1 = enc[0].forward(input);
        var latent = enc1;
        for (int i = 1; i < enc.Count; i++)
        {
            latent = enc[i].forward(latent);
        }

        return (scope.MoveToOuter(latent), scope.MoveToOuter(enc1));
    }

    /// <summary>ONNX form: the layers in order; returns the latent's and the skip's value names.</summary>
    public (string Latent, string Enc1) ExportOnnx(IOnnxGraph graph, string input)
    {
        using var scope = graph.Scope("enc");
        string enc1 = Layer(graph, 0, input);
        string latent = enc1;
        for (int i = 1; i < enc.Count; i++)
        {
            latent = Layer(graph, i, latent);
        }

        return (latent, enc1);
    }

    private string Layer(IOnnxGraph graph, int i, string input)
    {
        using var scope = graph.Scope(i.ToString(CultureInfo.InvariantCulture));
        return enc[i].ExportOnnx(graph, input);
    }
}
