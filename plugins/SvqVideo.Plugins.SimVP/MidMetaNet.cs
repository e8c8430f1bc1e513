using System.Globalization;
using SvqVideo.Torch.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// The MetaFormer translator (OpenSTL <c>MidMetaNet</c>) used by gSTA and every model_type but IncepU:
/// N_T <see cref="MetaBlock"/>s under <c>enc.{j}</c> on (B, T·hid_S, h, w); block 0 maps T·hid_S → hid_T,
/// the middle blocks hid_T → hid_T, the last hid_T → T·hid_S. Stochastic depth follows the reference:
/// block j &lt; N_T−1 gets linspace(0.01, drop_path, N_T)[j], the last block drop_path itself (so with
/// drop_path = 0 the early blocks still drop with small rates in training, as OpenSTL does).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class MidMetaNet : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<MetaBlock> enc;

    public MidMetaNet(int channelIn, int channelHid, int nT, string modelType, double mlpRatio, double drop, double dropPath, (int Height, int Width) inputResolution)
        : base(nameof(MidMetaNet))
    {
        SimVPArguments.Require(nT >= 2, "N_T", $"N_T must be at least 2, got {nT}");
        SimVPArguments.Require(mlpRatio > 1, "mlp_ratio", $"mlp_ratio must be greater than 1 (the reference asserts it), got {mlpRatio}");
        SimVPArguments.Require(channelHid > 0, "hid_T", $"hid_T must be positive, got {channelHid}");
        SimVPArguments.Require(dropPath is >= 0 and <= 1, "drop_path", $"drop_path must be in [0, 1], got {dropPath}");
        var rates = DropPathRates(dropPath, nT);
        var blocks = new MetaBlock[nT];
        for (int j = 0; j < nT; j++)
        {
            int cIn = j == 0 ? channelIn : channelHid;
            int cOut = j == nT - 1 ? channelIn : channelHid;
            blocks[j] = new MetaBlock(modelType, cIn, cOut, mlpRatio, drop, rates[j], inputResolution, j);
        }

        enc = nn.ModuleList(blocks);
        RegisterComponents();
    }

    /// <summary>The reference's per-block stochastic-depth rates (float32 linspace, last one replaced by drop_path).</summary>
    internal static double[] DropPathRates(double dropPath, int nT)
    {
        var rates = new double[nT];
        for (int j = 0; j < nT; j++)
        {
            rates[j] = (float)(0.01 + ((dropPath - 0.01) * j / (nT - 1)));
        }

        rates[nT - 1] = dropPath;
        return rates;
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var z = input;
        foreach (var block in enc)
        {
            z = block.forward(z);
        }

        return scope.MoveToOuter(z);
    }

    /// <summary>ONNX form: the blocks in order (drop path is the identity at inference).</summary>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        using var scope = graph.Scope("enc");
        string z = input;
        for (int j = 0; j < enc.Count; j++)
        {
            using var block = graph.Scope(j.ToString(CultureInfo.InvariantCulture));
            z = enc[j].ExportOnnx(graph, z);
        }

        return z;
    }
}
