using System.Text;
using SvqVideo.Testing;
using SvqVideo.Testing.PyTorch;
using SvqVideo.Torch;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace SvqVideo.Interop.Tests;

/// <summary>The one PyTorch file reader: every format reads back what was written, bit for bit, in its own dtype.</summary>
public sealed class PyTorchFileTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-interop-");

    public void Dispose() => _dir.Dispose();

    /// <summary>A float weight, a float bias and an int64 counter, as a BatchNorm state dict holds.</summary>
    private static List<KeyValuePair<string, Tensor>> StateDict(int seed)
    {
        var g = new Generator((ulong)seed);
        return
        [
            new("conv.weight", randn([4, 3, 3, 3], generator: g)),
            new("conv.bias", randn([4], generator: g)),
            new("norm.num_batches_tracked", tensor(17L)),
        ];
    }

    [Theory]
    [InlineData(PyTorchFile.ZipFormat)]
    [InlineData(PyTorchFile.LegacyFormat)]
    [InlineData(PyTorchFile.SafeTensorsFormat)]
    public void EveryFormatReadsBackWhatWasWrittenInItsOwnDtypes(string format)
    {
        // Conv weights and bias, BatchNorm running statistics and its int64 counter.
        using var module = nn.Sequential(("conv", nn.Conv2d(3, 4, 3)), ("norm", nn.BatchNorm2d(4)));
        string path = _dir.Combine("weights");
        switch (format)
        {
            case PyTorchFile.ZipFormat:
                module.save_py(path);
                break;
            case PyTorchFile.LegacyFormat:
                LegacyTorchFileWriter.Write(path, [.. module.state_dict()]);
                break;
            default:
                SafeTensors.Write(path, module.state_dict());
                break;
        }

        using var file = PyTorchFile.Read(path);
        Assert.Equal(format, file.Format);
        var (tensors, unwrapped) = file.StateDict();
        Assert.Null(unwrapped);
        AssertSame(module.state_dict(), tensors);
    }

    [Fact]
    public void ASafetensorsHeaderWhoseLengthStartsWithThePickleByteIsStillSafetensors()
    {
        // The LPIPS loader's own sniffing tested the pickle byte 0x80 first and took such a file for a legacy pickle.
        string json = "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        json = json.PadRight(0x180, ' ');
        string path = _dir.Combine("odd.safetensors");
        using (var f = File.Create(path))
        {
            f.Write(BitConverter.GetBytes((long)Encoding.UTF8.GetByteCount(json)));
            f.Write(Encoding.UTF8.GetBytes(json));
            f.Write(BitConverter.GetBytes(2.5f));
        }

        Assert.Equal(0x80, File.ReadAllBytes(path)[0]);
        using var file = PyTorchFile.Read(path);
        Assert.Equal(PyTorchFile.SafeTensorsFormat, file.Format);
        Assert.Equal(2.5f, file.StateDict().Tensors["t"].item<float>());
    }

    [Fact]
    public void LegacyViewsResolveOffsetsStridesAndSharedStorages()
    {
        var storage = Enumerable.Range(0, 24).Select(i => (float)i).ToArray();
        var entries = new List<LegacyTorchFileWriter.Entry>
        {
            new("whole", "7", 0, [2, 3, 4], [12, 4, 1]),
            new("transposed", "7", 0, [4, 3], [1, 4]),
            new("tail", "7", 20, [4], [1]),
            new("scalar", "7", 5, [], []),
        };
        string path = _dir.Combine("views.pth");
        using (var f = File.Create(path))
        {
            LegacyTorchFileWriter.Write(f, entries, new Dictionary<string, float[]> { ["7"] = storage });
        }

        using var file = PyTorchFile.Read(path);
        var read = file.StateDict().Tensors;
        using var all = tensor(storage);
        TensorAssert.Close(all.reshape(2, 3, 4), read["whole"], 0, 0, "whole");
        TensorAssert.Close(all.narrow(0, 0, 12).reshape(3, 4).t(), read["transposed"], 0, 0, "transposed");
        Assert.Equal(new[] { 20f, 21, 22, 23 }, read["tail"].data<float>().ToArray());
        Assert.Empty(read["scalar"].shape);
        Assert.Equal(5f, read["scalar"].item<float>());
    }

    [Fact]
    public void AStateDictInsideATrainingCheckpointIsUnwrapped()
    {
        using var module = nn.Sequential(("conv", nn.Conv2d(3, 4, 3)));
        string flat = _dir.Combine("flat.pth");
        string wrapped = _dir.Combine("wrapped.pth");
        module.save_py(flat);
        TorchZipFiles.WrapStateDict(flat, wrapped, entry: "model_state_dict");

        using var file = PyTorchFile.Read(wrapped);
        var (tensors, unwrapped) = file.StateDict();
        Assert.Equal("model_state_dict", unwrapped);
        AssertSame(module.state_dict(), tensors);
    }

    [Fact]
    public void ADictionaryWithoutTensorsIsRefusedNamingItsEntries()
    {
        string path = _dir.Combine("nostate.pth");
        TorchZipFiles.WriteZip(path, TorchZipFiles.NoStateDictPickle());
        using var file = PyTorchFile.Read(path);
        var e = Assert.Throws<InvalidDataException>(() => file.StateDict());
        Assert.Contains("[epoch]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedLegacyFilesAreRefusedNamingTheFile()
    {
        string path = _dir.Combine("short.pth");
        LegacyTorchFileWriter.Write(path, StateDict(3));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^100]);
        var e = Assert.Throws<InvalidDataException>(() => PyTorchFile.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FilesInNoneOfTheFormatsAreRefused()
    {
        string path = _dir.Combine("notes.pth");
        File.WriteAllText(path, "not a checkpoint");
        var e = Assert.Throws<InvalidDataException>(() => PyTorchFile.Read(path));
        Assert.Contains("not a PyTorch checkpoint", e.Message, StringComparison.Ordinal);
    }

    private static void AssertSame(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in expected)
        {
            Assert.Equal(value.dtype, actual[key].dtype);
            TensorAssert.Close(value, actual[key], 0, 0, key);
        }
    }
}
