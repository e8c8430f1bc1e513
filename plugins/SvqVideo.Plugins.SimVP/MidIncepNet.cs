using System.Globalization;
using SvqVideo.Plugins.SimVP.Translators;
using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// IncepU's U-shaped translator (OpenSTL <c>MidIncepNet</c>, kernels [3, 5, 7, 11], 8 groups) on
/// (B, T·hid_S, h, w): encoder blocks <c>enc.{j}</c> (T·hid_S → hid_T, then hid_T → hid_T) keep their
/// first N_T−1 outputs as skips; decoder blocks <c>dec.{j}</c> take the previous output concatenated
/// with the matching skip (2·hid_T in) and the last returns T·hid_S channels. Hidden width hid_T/2.
/// drop and drop_path are not used, as in the reference.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class MidIncepNet : nn.Module<Tensor, Tensor>
{
    private static readonly int[] Kernels = [3, 5, 7, 11];
    private const int Groups = 8;

    private readonly ModuleList<GInceptionST> enc;
    private readonly ModuleList<GInceptionST> dec;

    public MidIncepNet(int channelIn, int channelHid, int nT)
        : base(nameof(MidIncepNet))
    {
        SimVPArguments.Require(nT >= 2, "N_T", $"N_T must be at least 2, got {nT}");
        SimVPArguments.Require(channelHid >= 2, "hid_T", $"hid_T must be at least 2 (IncepU's hidden width is hid_T/2), got {channelHid}");
        int half = channelHid / 2;
        var encoders = new GInceptionST[nT];
        var decoders = new GInceptionST[nT];
        for (int j = 0; j < nT; j++)
        {
            encoders[j] = new GInceptionST(j == 0 ? channelIn : channelHid, half, channelHid, Kernels, Groups);
            decoders[j] = new GInceptionST(j == 0 ? channelHid : 2 * channelHid, half, j == nT - 1 ? channelIn : channelHid, Kernels, Groups);
        }

        enc = nn.ModuleList(encoders);
        dec = nn.ModuleList(decoders);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        int n = enc.Count;
        var skips = new List<Tensor>(n - 1);
        var z = input;
        for (int j = 0; j < n; j++)
        {
            z = enc[j].forward(z);
            if (j < n - 1)
            {
                skips.Add(z);
            }
        }

        z = dec[0].forward(z);
        for (int j = 1; j < n; j++)
        {
            z = dec[j].forward(cat([z, skips[^j]], 1));
        }

        return scope.MoveToOuter(z);
    }

    /// <summary>ONNX form: the same U-shape, skips joined with <c>Concat</c> on the channel axis.</summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        int n = enc.Count;
        var skips = new List<string>(n - 1);
        string z = input;
        for (int j = 0; j < n; j++)
        {
            z = Block(graph, "enc", j, enc[j], z);
            if (j < n - 1)
            {
                skips.Add(z);
            }
        }

        z = Block(graph, "dec", 0, dec[0], z);
        for (int j = 1; j < n; j++)
        {
            z = Block(graph, "dec", j, dec[j], graph.Op("Concat", [z, skips[^j]], ("axis", 1L)));
        }

        return z;
    }

    private static string Block(IOnnxGraph graph, string list, int j, GInceptionST block, string input)
    {
        using var scope = graph.Scope($"{list}.{j.ToString(CultureInfo.InvariantCulture)}");
        return block.ExportOnnx(graph, input);
    }
}
