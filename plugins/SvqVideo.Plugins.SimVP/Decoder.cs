using System.Globalization;
using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// SimVP's spatial decoder (OpenSTL <c>Decoder</c>): N_S <see cref="ConvSC"/> layers C_hid → C_hid under
/// <c>dec.{i}</c>, upsampling by 2 (conv to 4·C_hid + PixelShuffle) on even layers, then a 1×1
/// <c>readout</c> C_hid → C_out. Layers 0..N_S−2 run on the translator output; the last runs on
/// <c>hid + enc1</c>. There is no output activation.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class Decoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<ConvSC> dec;
    private readonly Conv2d readout;

    public Decoder(int cHid, int cOut, int nS, int spatioKernel)
        : base(nameof(Decoder))
    {
        SimVPArguments.RequireEncoderShape(cOut, cHid, nS, spatioKernel);
        var layers = new ConvSC[nS];
        for (int i = 0; i < nS; i++)
        {
            layers[i] = new ConvSC(cHid, cHid, spatioKernel, downsampling: false, upsampling: i % 2 == 0);
        }

        dec = nn.ModuleList(layers);
        readout = nn.Conv2d(cHid, cOut, 1);
        RegisterComponents();
    }

    /// <summary>Sets the readout's weight and bias to zero, so the decoder starts by outputting zeros (residual forecasting).</summary>
    public void ZeroReadout()
    {
        using var noGrad = no_grad();
        readout.weight!.zero_();
        readout.bias!.zero_();
    }

    /// <param name="hid">The translated latent (N, C_hid, h, w).</param>
    /// <param name="enc1">The encoder's first-layer output (N, C_hid, H, W).</param>
    public override Tensor forward(Tensor hid, Tensor enc1)
    {
        using var scope = NewDisposeScope();
        var z = hid;
        for (int i = 0; i < dec.Count - 1; i++)
        {
            z = dec[i].forward(z);
        }

        var y = readout.forward(dec[dec.Count - 1].forward(z + enc1));
        return scope.MoveToOuter(y);
    }

    /// <summary>ONNX form: the layers, the skip added before the last one, then the 1×1 readout.</summary>
    public string ExportOnnx(IOnnxGraph graph, string hid, string enc1)
    {
        string z = hid;
        using (graph.Scope("dec"))
        {
            for (int i = 0; i < dec.Count; i++)
            {
                if (i == dec.Count - 1)
                {
                    z = graph.Op("Add", [z, enc1]);
                }

                using var layer = graph.Scope(i.ToString(CultureInfo.InvariantCulture));
                z = dec[i].ExportOnnx(graph, z);
            }
        }

        using var scope = graph.Scope("readout");
        return graph.Conv(readout, z);
    }
}
