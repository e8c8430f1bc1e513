using System.Reflection;
using System.Runtime.CompilerServices;
using SvqVideo.Hosting;
using SvqVideo.Interop;
using SvqVideo.Metrics;
using SvqVideo.Testing;
using SvqVideo.Torch;
using SvqVideo.Training;
using static TorchSharp.torch;

namespace SvqVideo.PublicApi.Tests;

/// <summary>
/// A host's workflow through the public SDK only: discover plugins, build a model with a quantizer, train it on
/// the host's own clips, save and reload checkpoints, import PyTorch weights, forecast a stream, score it.
/// </summary>
public sealed class HostWorkflowTests(HostCatalog host) : IClassFixture<HostCatalog>, IDisposable
{
    private const int Frames = 4;
    private const int Size = 16;

    private readonly TempFolder _dir = new("svq-host-");

    public void Dispose() => _dir.Dispose();

    private PluginCatalog Catalog => host.Catalog;

    /// <summary>A small SimVP with an SVQ codebook, built through the catalog's factories.</summary>
    private IForecastModel SmallModel()
    {
        var config = Catalog.GetModel("simvp").DefaultConfig(Frames, Frames, 1, Size, Size)
            .With("hid_S", 8).With("hid_T", 16).With("N_S", 2).With("N_T", 2);
        var svq = Catalog.GetQuantizer("svq");
        var quantizer = svq.Create(svq.DefaultOptions(8) with { CodebookSize = 32 });
        return Catalog.GetModel("simvp").Create(config, quantizer);
    }

    private static Tensor Clips(int seed)
    {
        using var g = new Generator((ulong)seed);
        return rand([2, Frames, 1, Size, Size], generator: g);
    }

    [Fact]
    public void ThePluginFolderOffersTheBundledModelsAndQuantizersOnThisSdkMajor()
    {
        Assert.Empty(Catalog.Problems);
        var names = Catalog.Entries.Select(e => $"{e.Kind.ToString().ToLowerInvariant()} {e.Name}").ToList();
        Assert.Contains("predictor simvp", names);
        Assert.Contains("model simvp", names);
        foreach (var q in new[] { "svq", "vq", "rvq", "lfq", "fsq", "none" })
        {
            Assert.Contains($"quantizer {q}", names);
        }

        Assert.All(Catalog.Entries, e => Assert.Equal(SdkVersion.Major, e.SdkMajor));
    }

    [Fact]
    public void ACheckpointSavedByTheHostReloadsThroughTheCatalogWithIdenticalForecasts()
    {
        using var model = SmallModel();
        model.Module.eval();
        string path = _dir.Combine("model.safetensors");
        Checkpoint.SaveModel(path, model);

        using var loaded = Checkpoint.LoadModel(path, Catalog);
        loaded.Module.eval();
        Assert.Equal(model.Config, loaded.Config);
        Assert.Equal(model.Quantizer!.Options, loaded.Quantizer!.Options);
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var x = Clips(1);
        TensorAssert.Close(model.Forward(x).Prediction, loaded.Forward(x).Prediction, 0, 0, "reloaded forecast");
    }

    [Fact]
    public void PyTorchWeightsImportIntoAModelBuiltThroughTheCatalog()
    {
        using var source = SmallModel();
        string path = _dir.Combine("state_dict.safetensors");
        SafeTensors.Write(path, source.Module.state_dict());

        using var target = SmallModel();
        var result = PyTorchCheckpointImporter.Import(path, target);
        Assert.Equal("safetensors", result.Format);
        Assert.Equal(source.Module.state_dict().Count, result.TensorCount);
        source.Module.eval();
        target.Module.eval();
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var x = Clips(2);
        TensorAssert.Close(source.Forward(x).Prediction, target.Forward(x).Prediction, 0, 0, "imported forecast");
    }

    [Fact]
    public void TrainingOnTheHostsOwnClipsWritesACheckpointThePredictorServes()
    {
        using var model = SmallModel();
        var options = new TrainingOptions
        {
            Epochs = 1,
            BatchSize = 2,
            MaxStepsPerEpoch = 2,
            Device = "cpu",
            CheckpointDirectory = _dir.Path,
        };
        var result = new Trainer(model, new RandomClips(6, Frames, Frames, Size, seed: 10), new RandomClips(2, Frames, Frames, Size, seed: 20), options).Train();
        Assert.Equal(1, result.EpochsCompleted);
        Assert.True(File.Exists(result.BestCheckpoint), "training wrote no best checkpoint");

        using var predictor = Catalog.CreatePredictor("simvp", new PredictorCreateOptions { CheckpointPath = result.BestCheckpoint, Device = "cpu" });
        Assert.Equal((Frames, Frames, 1, Size, Size), (predictor.Metadata.FramesIn, predictor.Metadata.FramesOut, predictor.Metadata.Channels, predictor.Metadata.Height, predictor.Metadata.Width));
        using var session = predictor.CreateSession();
        var random = new Random(3);
        for (int t = 0; t < Frames; t++)
        {
            session.Push(Enumerable.Range(0, Size * Size).Select(_ => random.NextSingle()).ToArray());
        }

        Assert.True(session.IsReady);
        var forecast = session.Forecast(Frames + 2);
        Assert.Equal(Frames + 2, forecast.Frames);
        Assert.All(forecast.Data.ToArray(), v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void MetricsScoreAForecastAgainstItsTruth()
    {
        using var scope = NewDisposeScope();
        var truth = Clips(4);
        var set = new MetricSet(new MetricSetOptions { Metrics = [MetricNames.Mse, MetricNames.Ssim, MetricNames.Psnr] });
        set.Update(truth, truth);
        var report = set.Report();
        Assert.Equal(0, report[MetricNames.Mse].Mean);
        Assert.Equal(1, report[MetricNames.Ssim].Mean, 9);
        Assert.True(double.IsPositiveInfinity(report[MetricNames.Psnr].Mean));
    }

    [Fact]
    public void TheContractAssembliesCarryTheSdkVersionTheHostChecks()
    {
        // A plugin records the SDK it references by these assemblies' versions; the host compares SdkVersion.Major.
        foreach (var assembly in new[] { typeof(SdkVersion).Assembly, typeof(Checkpoint).Assembly })
        {
            var version = assembly.GetName().Version!;
            Assert.Equal((SdkVersion.Major, SdkVersion.Minor), (version.Major, version.Minor));
        }
    }

    [Fact]
    public void NoSdkAssemblyGrantsThisHostItsInternals()
    {
        Assembly[] sdk =
        [
            typeof(SdkVersion).Assembly, typeof(Checkpoint).Assembly, typeof(PluginCatalog).Assembly,
            typeof(Trainer).Assembly, typeof(MetricSet).Assembly, typeof(PyTorchCheckpointImporter).Assembly,
        ];
        string me = typeof(HostWorkflowTests).Assembly.GetName().Name!;
        foreach (var assembly in sdk)
        {
            var grants = assembly.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName);
            Assert.DoesNotContain(me, grants);
        }
    }
}
