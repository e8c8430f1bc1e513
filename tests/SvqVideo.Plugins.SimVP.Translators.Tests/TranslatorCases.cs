namespace SvqVideo.Plugins.SimVP.Translators.Tests;

/// <summary>Theory rows: one per translator block type MetaBlock can build, crossed with the test devices.</summary>
internal static class TranslatorCases
{
    public const int Channels = 16;
    public const int Height = 6;
    public const int Width = 6;

    /// <summary>(model_type, layer index) pairs: layer 1 with equal widths everywhere, plus uniformer's 'Conv' layer 0.</summary>
    public static IEnumerable<(string ModelType, int LayerIndex)> Blocks(bool withDropPathOnly = false)
    {
        foreach (var name in TranslatorBlocks.Names)
        {
            if (withDropPathOnly && name == "convmixer")
            {
                continue;
            }

            yield return (name, 1);
        }

        yield return ("uniformer", 0);
    }

    public static TheoryData<string, int, string> WithDevices(bool withDropPathOnly = false)
    {
        var rows = new TheoryData<string, int, string>();
        foreach (var (name, layer) in Blocks(withDropPathOnly))
        {
            foreach (var device in Testing.TestDevices.Names)
            {
                rows.Add(name, layer, device);
            }
        }

        return rows;
    }

    public static TheoryData<string, int> WithoutDevices()
    {
        var rows = new TheoryData<string, int>();
        foreach (var (name, layer) in Blocks())
        {
            rows.Add(name, layer);
        }

        return rows;
    }

    public static TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> Create(string modelType, int layerIndex, double dropPath) =>
        TranslatorBlocks.Create(modelType, Channels, Channels, mlpRatio: 2.0, drop: 0.0, dropPath, (Height, Width), layerIndex);
}
