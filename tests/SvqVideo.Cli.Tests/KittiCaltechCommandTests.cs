using System.Text.Json;
using OpenCvSharp;
using PureHDF;
using SvqVideo.Testing;

namespace SvqVideo.Cli.Tests;

/// <summary>The <c>kitticaltech</c> preset end to end: train on generated KITTI hickle files, score on a generated Caltech video.</summary>
public sealed class KittiCaltechCommandTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-cli-kitti-");

    public void Dispose() => _dir.Dispose();

    private static void WriteKitti(string root, string part, int frames)
    {
        string dir = Directory.CreateDirectory(Path.Combine(root, "kitti_hkl")).FullName;
        var data = new byte[frames * 128 * 160 * 3];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)((i / 3 % 160) + (i / (128 * 160 * 3) * 7));
        }

        new H5File { ["data"] = new H5Dataset(data, fileDims: [(ulong)frames, 128, 160, 3]) }.Write(Path.Combine(dir, $"X_{part}.hkl"));
        new H5File { ["data"] = Enumerable.Repeat("city-2011_09_26_drive_0001_sync", frames).ToArray() }.Write(Path.Combine(dir, $"sources_{part}.hkl"));
    }

    private static void WriteCaltech(string path, int frames)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var writer = new VideoWriter(path, FourCC.MP4V, 30, new Size(640, 480), true);
        Assert.True(writer.IsOpened());
        for (int i = 0; i < frames; i++)
        {
            using var m = new Mat(480, 640, MatType.CV_8UC3, new Scalar(20, 20, 20));
            Cv2.Rectangle(m, new Rect(100 + (4 * i), 200, 80, 80), new Scalar(230, 230, 230), -1);
            writer.Write(m);
        }
    }

    [Fact]
    public void TrainsOnKittiAndScoresOnCaltech()
    {
        string root = _dir.Combine("kitticaltech");
        WriteKitti(root, "train", 33);
        WriteKitti(root, "val", 11);
        WriteCaltech(Path.Combine(root, "caltech", "set06", "V000.mp4"), 36);
        string run = _dir.Combine("run");

        var train = CliRunner.Cli("train", "--preset", "kitticaltech", "--data", root, "--hid-s", "8", "--hid-t", "16", "--n-t", "2", "--codebook-size", "64",
            "--batch-size", "2", "--epochs", "1", "--budget", "60s", "--out", run, "--json", "--threads", "2");
        Assert.True(train.ExitCode == 0, train.Stderr);
        using (var doc = JsonDocument.Parse(train.Stdout.Trim().Split('\n')[^1]))
        {
            Assert.True(File.Exists(doc.RootElement.GetProperty("best_checkpoint").GetString()));
        }

        string evalOut = _dir.Combine("eval");
        var eval = CliRunner.Cli("eval", "--checkpoint", Path.Combine(run, "best.safetensors"), "--data", root, "--out", evalOut, "--json", "--threads", "2");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Assert.True(File.Exists(Path.Combine(evalOut, "metrics.json")));
        using var report = JsonDocument.Parse(eval.Stdout.Trim().Split('\n')[^1]);
        Assert.Contains("caltech", report.RootElement.GetProperty("dataset").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, report.RootElement.GetProperty("clips").GetInt32());
    }

    [Fact]
    public void BadChannelOrderIsAOneLineUsageError()
    {
        string plan = _dir.Combine("plan.json");
        File.WriteAllText(plan, """{ "dataset": { "kind": "kitticaltech", "frames_in": 10, "frames_out": 1, "test_channel_order": "grb" } }""");
        var r = CliRunner.Cli("train", "--preset", plan, "--data", _dir.Path, "--out", _dir.Combine("run"));
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("svqvideo: error: 'test_channel_order' must be rgb or bgr, got 'grb'", r.Stderr.Trim());
    }
}
