using System.Text.Json;
using SvqVideo.Datasets.Video;
using SvqVideo.Hosting;
using SvqVideo.Testing;
using SvqVideo.Torch;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace SvqVideo.Cli.Tests;

/// <summary>
/// <c>export</c> through the built CLI, and <c>forecast</c>/<c>eval</c> with the <c>.onnx</c> file it writes: the
/// same outputs as with the checkpoint; one-line errors, documented exit codes and nothing written for what cannot be
/// exported or read.
/// </summary>
public sealed class OnnxCommandTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-cli-onnx-");

    public void Dispose() => _dir.Dispose();

    private string In(string name) => _dir.Combine(name);

    [Fact]
    public void ExportWritesACheckedModelThatForecastAccepts()
    {
        string checkpoint = SmallCheckpoint(In("ck.safetensors"), frames: 4, size: 16, quantizer: "svq");
        var export = CliRunner.Cli("export", "--checkpoint", checkpoint, "--to", In("model.onnx"), "--json");
        Assert.True(export.ExitCode == 0, export.Stderr);
        using (var doc = JsonDocument.Parse(export.Stdout))
        {
            var root = doc.RootElement;
            Assert.Equal(("simvp", "svq", 17), (root.GetProperty("family").GetString(), root.GetProperty("quantizer").GetString(), root.GetProperty("opset").GetInt32()));
            Assert.InRange(root.GetProperty("checked_max_abs_diff").GetDouble(), 0, 1e-4);
            Assert.Equal(64, root.GetProperty("source_sha256").GetString()!.Length);
        }

        var video = TestVideos.MovingSquare(In("in.mp4"), 10, 32, 24);
        var forecast = CliRunner.Cli("forecast", "-i", video, "-o", In("out.mp4"), "--checkpoint", In("model.onnx"), "-n", "9");
        Assert.True(forecast.ExitCode == 0, forecast.Stderr);
        var (frames, width, height, _) = TestVideos.Probe(In("out.mp4"));
        Assert.Equal((4 + 9, 32, 24), (frames, width, height));
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp*"));
    }

    [Fact]
    public void AQuantizerWithoutAnOnnxFormExitsEightAndWritesNothing()
    {
        // A plugin folder with SimVP and the test quantizer 'scale', whose plugin has no ONNX export.
        var plugins = Directory.CreateDirectory(In("plugins"));
        CopyFolder(Path.Combine(CliRunner.PluginsFolder, "SvqVideo.Plugins.SimVP"), Path.Combine(plugins.FullName, "SvqVideo.Plugins.SimVP"));
        CopyFolder(Path.Combine(Fixtures.RepositoryRoot, "artifacts", "test-plugins", "v1", "SvqVideo.TestPlugins.Scale"), Path.Combine(plugins.FullName, "SvqVideo.TestPlugins.Scale"));
        string checkpoint;
        using (var catalog = PluginCatalog.Load(plugins.FullName))
        {
            checkpoint = Save(In("scale.safetensors"), catalog, SmallConfig(catalog, 4, 16), catalog.GetQuantizer("scale").Create(new QuantizerOptions { Kind = "scale", Dimension = 8 }));
        }

        var r = CliRunner.Cli("--plugins", plugins.FullName, "export", "--checkpoint", checkpoint, "--to", In("scale.onnx"));

        Assert.Equal(8, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("quantizer 'scale' has no ONNX form", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(In("scale.onnx")));
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp*"));
    }

    [Fact]
    public void AModelFileThatIsNotOnnxIsBadInputAndNothingIsWritten()
    {
        File.WriteAllText(In("model.onnx"), "not a model");
        var video = TestVideos.MovingSquare(In("in.mp4"), 10, 32, 24);

        var forecast = CliRunner.Cli("forecast", "-i", video, "-o", In("out.mp4"), "--checkpoint", In("model.onnx"));
        var export = CliRunner.Cli("export", "--checkpoint", In("model.onnx"), "--to", In("again.onnx"));

        Assert.Equal((3, 3), (forecast.ExitCode, export.ExitCode));
        Assert.Single(forecast.Stderr.Trim().Split('\n'));
        Assert.Contains("cannot be loaded as an ONNX model", forecast.Stderr, StringComparison.Ordinal);
        Assert.Contains("already an ONNX model", export.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(In("out.mp4")));
        Assert.False(File.Exists(In("again.onnx")));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void ExportedModelForecastsAndEvaluatesLikeItsCheckpoint()
    {
        // Moving-MNIST's shape (10 -> 10 at 1x64x64), so eval's default dataset fits.
        string checkpoint = SmallCheckpoint(In("ck.safetensors"), frames: 10, size: 64, quantizer: "vq");
        Assert.True(CliRunner.Cli("export", "--checkpoint", checkpoint, "--to", In("model.onnx")).ExitCode == 0);
        var video = TestVideos.MovingSquare(In("in.mp4"), 14, 64, 64);

        var a = CliRunner.Cli("forecast", "-i", video, "-o", In("a.mp4"), "--checkpoint", checkpoint, "-n", "15");
        var b = CliRunner.Cli("forecast", "-i", video, "-o", In("b.mp4"), "--checkpoint", In("model.onnx"), "-n", "15");
        Assert.True(a.ExitCode == 0 && b.ExitCode == 0, a.Stderr + b.Stderr);
        var (fa, fb) = (Frames(In("a.mp4")), Frames(In("b.mp4")));
        Assert.Equal(fa.Length, fb.Length);
        double meanDiff = fa.Zip(fb, (x, y) => Math.Abs(x - y)).Average();
        Assert.True(meanDiff < 0.5 / 255, $"decoded forecasts differ by {meanDiff * 255:F3} grey levels on average");

        var ea = CliRunner.Cli("eval", "--checkpoint", checkpoint, "--max-clips", "4", "--examples", "0", "--out", In("eval-a"), "--json");
        var eb = CliRunner.Cli("eval", "--checkpoint", In("model.onnx"), "--max-clips", "4", "--examples", "0", "--out", In("eval-b"), "--json");
        Assert.True(ea.ExitCode == 0 && eb.ExitCode == 0, ea.Stderr + eb.Stderr);
        foreach (var metric in new[] { "mse", "mae", "ssim", "psnr" })
        {
            double x = Mean(ea.Stdout, metric), y = Mean(eb.Stdout, metric);
            Assert.True(Math.Abs(x - y) <= 1e-4 * Math.Max(1, Math.Abs(x)), $"{metric}: checkpoint {x}, onnx {y}");
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void PyTorchReferenceWeightsImportExportAndForecastLikeTheCheckpoint()
    {
        // The SimVP+SVQ reference fixture's weights in PyTorch's torch.save format (written by PyBridge), its config as a plan.
        using var fx = Fixtures.Load("simvpvq_gsta_svq_t4c1h32w32.safetensors");
        string pth = In("reference.pth");
        using (var catalog = PluginCatalog.Load(CliRunner.PluginsFolder))
        {
            var config = catalog.GetModel("simvp").DefaultConfig(4, 4, 1, 32, 32).With("hid_S", 16).With("hid_T", 32).With("N_S", 2).With("N_T", 2).With("mlp_ratio", 4.0).With("drop_path", 0.0);
            var svq = catalog.GetQuantizer("svq").Create(new QuantizerOptions { Kind = "svq", Dimension = 16, CodebookSize = 512, Init = "kaiming" }.With("middim", 128));
            using var model = catalog.GetModel("simvp").Create(config, svq);
            fx.LoadInto(model.Module);
            model.Module.save_py(pth);
        }

        File.WriteAllText(In("plan.json"), """
            { "dataset": { "kind": "videos", "frames_in": 4, "frames_out": 4, "height": 32, "width": 32, "channels": 1 },
              "model": { "model_type": "gSTA", "hid_S": 16, "hid_T": 32, "N_S": 2, "N_T": 2, "mlp_ratio": 4, "drop_path": 0 },
              "quantizer": { "kind": "svq", "codebook_size": 512, "init": "kaiming" } }
            """);
        var import = CliRunner.Cli("import", "--from", pth, "--to", In("ck.safetensors"), "--preset", In("plan.json"));
        Assert.True(import.ExitCode == 0, import.Stderr);
        var export = CliRunner.Cli("export", "--checkpoint", In("ck.safetensors"), "--to", In("model.onnx"));
        Assert.True(export.ExitCode == 0, export.Stderr);

        var video = TestVideos.MovingSquare(In("in.mp4"), 8, 32, 32);
        var a = CliRunner.Cli("forecast", "-i", video, "-o", In("a.mp4"), "--checkpoint", In("ck.safetensors"), "-n", "9");
        var b = CliRunner.Cli("forecast", "-i", video, "-o", In("b.mp4"), "--checkpoint", In("model.onnx"), "-n", "9");
        Assert.True(a.ExitCode == 0 && b.ExitCode == 0, a.Stderr + b.Stderr);
        double meanDiff = Frames(In("a.mp4")).Zip(Frames(In("b.mp4")), (x, y) => Math.Abs(x - y)).Average();
        Assert.True(meanDiff < 0.5 / 255, $"decoded forecasts differ by {meanDiff * 255:F3} grey levels on average");
    }

    private static ModelConfig SmallConfig(PluginCatalog catalog, int frames, int size) =>
        catalog.GetModel("simvp").DefaultConfig(frames, frames, 1, size, size).With("hid_S", 8).With("hid_T", 16).With("N_S", 2).With("N_T", 2).With("mlp_ratio", 2.0);

    private static string SmallCheckpoint(string path, int frames, int size, string quantizer)
    {
        using var catalog = PluginCatalog.Load(CliRunner.PluginsFolder);
        manual_seed(1);
        var options = catalog.GetQuantizer(quantizer).DefaultOptions(8) with { CodebookSize = 64 };
        return Save(path, catalog, SmallConfig(catalog, frames, size), catalog.GetQuantizer(quantizer).Create(options));
    }

    private static string Save(string path, PluginCatalog catalog, ModelConfig config, IQuantizer quantizer)
    {
        using var model = catalog.GetModel("simvp").Create(config, quantizer);
        Checkpoint.SaveModel(path, model);
        return path;
    }

    private static float[] Frames(string path) => VideoFile.ReadAll(path, new VideoReadOptions { Channels = 1 }).Frames.Data.ToArray();

    private static double Mean(string json, string metric)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("model").GetProperty("metrics").GetProperty(metric).GetProperty("mean").GetDouble();
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
