using SvqVideo.Testing;
using SvqVideo.Testing.PyTorch;
using SvqVideo.Torch;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace SvqVideo.Metrics.Tests;

public sealed class LpipsWeightsTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-lpips-");

    public void Dispose() => _dir.Dispose();

    /// <summary>Calibration tensors laid out like lpips' weights/v0.1/alex.pth, from a seeded generator.</summary>
    private static List<KeyValuePair<string, Tensor>> Calibration(int seed)
    {
        var g = new Generator((ulong)seed);
        int[] channels = [64, 192, 384, 256, 256];
        return channels.Select((c, k) => new KeyValuePair<string, Tensor>($"lin{k}.model.1.weight", rand([1, c, 1, 1], generator: g) * 0.5)).ToList();
    }

    /// <summary>A torchvision-layout trunk with seeded He-scaled weights and small biases.</summary>
    private static TorchvisionAlexNetLayout Trunk(int seed)
    {
        var trunk = new TorchvisionAlexNetLayout();
        var g = new Generator((ulong)seed);
        using var noGrad = no_grad();
        foreach (var (name, p) in trunk.named_parameters())
        {
            long fanIn = p.dim() > 1 ? p.shape.Skip(1).Aggregate(1L, (a, b) => a * b) : 1;
            p.copy_(p.dim() > 1 ? randn(p.shape, generator: g) * Math.Sqrt(2.0 / fanIn) : randn(p.shape, generator: g) * 0.1);
        }

        return trunk;
    }

    /// <summary>The LPIPS module loaded directly (by lpips key) with the same tensors.</summary>
    private static Lpips Direct(TorchvisionAlexNetLayout trunk, List<KeyValuePair<string, Tensor>> calibration)
    {
        var state = new Dictionary<string, Tensor>();
        var trunkState = trunk.state_dict();
        int[] indices = [0, 3, 6, 8, 10];
        for (int s = 0; s < indices.Length; s++)
        {
            foreach (var kind in new[] { "weight", "bias" })
            {
                state[$"net.slice{s + 1}.{indices[s]}.{kind}"] = trunkState[$"features.{indices[s]}.{kind}"];
            }
        }

        foreach (var (k, v) in calibration)
        {
            state[k] = v;
            state[k.Replace("lin", "lins.", StringComparison.Ordinal)] = v;
        }

        var lpips = new Lpips();
        state["scaling_layer.shift"] = lpips.state_dict()["scaling_layer.shift"];
        state["scaling_layer.scale"] = lpips.state_dict()["scaling_layer.scale"];
        Checkpoint.LoadInto(lpips, state);
        return lpips;
    }

    private static (Tensor A, Tensor B) Pair(int seed)
    {
        var g = new Generator((ulong)seed);
        var a = rand([3, 3, 64, 48], generator: g) * 2 - 1;
        var b = (a + randn([3, 3, 64, 48], generator: g) * 0.3).clamp(-1, 1);
        return (a, b);
    }

    [Fact]
    public void TorchvisionZipTrunkAndLegacyCalibrationGiveTheSameLpipsAsDirectLoading()
    {
        using var trunk = Trunk(21);
        var calibration = Calibration(22);
        string trunkPath = _dir.Combine(LpipsWeights.TrunkFileName);
        string calibrationPath = _dir.Combine(LpipsWeights.CalibrationFileName);
        trunk.save_py(trunkPath);
        LegacyTorchFileWriter.Write(calibrationPath, calibration);

        using var loaded = LpipsWeights.Load(trunkPath, calibrationPath);
        using var direct = Direct(trunk, calibration);
        var (a, b) = Pair(23);
        using var got = loaded.forward(a, b);
        using var expected = direct.forward(a, b);
        Assert.True(Same(expected, got), "LPIPS from files differs from LPIPS loaded directly");
        Assert.True(got.gt(0).all().item<bool>());
    }

    [Fact]
    public void ExportedSafeTensorsFileAndFolderDiscoveryLoadTheSameWeights()
    {
        using var trunk = Trunk(31);
        var calibration = Calibration(32);
        string trunkPath = _dir.Combine(LpipsWeights.TrunkFileName);
        string calibrationPath = _dir.Combine(LpipsWeights.CalibrationFileName);
        trunk.save_py(trunkPath);
        LegacyTorchFileWriter.Write(calibrationPath, calibration);
        using var direct = Direct(trunk, calibration);
        var (a, b) = Pair(33);
        using var expected = direct.forward(a, b);

        Assert.True(LpipsWeights.TryLoad(_dir.Path, out var fromFolder, out var reason), reason);
        using (fromFolder)
        {
            Assert.True(Same(expected, fromFolder!.forward(a, b)));
        }

        var single = _dir.Combine("converted", LpipsWeights.SafeTensorsFileName);
        Directory.CreateDirectory(Path.GetDirectoryName(single)!);
        LpipsWeights.ExportSafeTensors(trunkPath, calibrationPath, single);
        Assert.True(LpipsWeights.TryLoad(single, out var fromFile, out reason), reason);
        using (fromFile)
        {
            Assert.True(Same(expected, fromFile!.forward(a, b)));
        }
    }

    [Fact]
    public void MissingWeightsAreReportedAsUnavailableWithAHint()
    {
        Assert.False(LpipsWeights.TryLoad(_dir.Combine("nowhere"), out var lpips, out var reason));
        Assert.Null(lpips);
        Assert.Contains("does not exist", reason, StringComparison.Ordinal);

        Assert.False(LpipsWeights.TryLoad(_dir.Path, out lpips, out reason));
        Assert.Null(lpips);
        Assert.Contains(LpipsWeights.TrunkFileName, reason, StringComparison.Ordinal);

        // Only the trunk: the calibration layers are missing, and the message says which file provides them.
        using var trunk = Trunk(41);
        string trunkPath = _dir.Combine("trunk-only.pth");
        trunk.save_py(trunkPath);
        Assert.False(LpipsWeights.TryLoad(trunkPath, out lpips, out reason));
        Assert.Contains(LpipsWeights.CalibrationFileName, reason, StringComparison.Ordinal);

        var set = new MetricSet(new MetricSetOptions { LpipsUnavailableReason = reason });
        using var clip = rand([1, 2, 3, 32, 32]);
        set.Update(clip, clip);
        var report = set.Report();
        Assert.False(report.Metrics.ContainsKey(MetricNames.Lpips));
        Assert.Equal(reason, report.Unavailable[MetricNames.Lpips]);
        Assert.Contains("\"lpips\": \"LPIPS unavailable", report.ToJson(), StringComparison.Ordinal);
    }

    private static bool Same(Tensor expected, Tensor actual) =>
        expected.shape.SequenceEqual(actual.shape) && expected.dtype == actual.dtype && expected.eq(actual).all().item<bool>();
}
