using SvqVideo.Interop;
using SvqVideo.Testing;
using SvqVideo.Testing.PyTorch;
using SvqVideo.Torch;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP.Tests;

/// <summary>
/// PyTorch checkpoint import: reference weights written in PyTorch's own formats (by PyBridge's writer and a
/// legacy writer, as Python would) import into a fresh model and reproduce the golden outputs; bad files give
/// one-line errors.
/// </summary>
public sealed class PyTorchImportTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-simvp-import-");

    public void Dispose() => _dir.Dispose();

    public enum Layout
    {
        /// <summary><c>torch.save(model.state_dict())</c> with the bare model's keys (OpenSTL's trainer).</summary>
        Flat,

        /// <summary>Every key prefixed <c>model.</c> (OpenSTL's Lightning module).</summary>
        ModelPrefixed,

        /// <summary><c>{'state_dict': {'model.…': …}, 'epoch': 3}</c> (a Lightning-style checkpoint).</summary>
        Nested,

        /// <summary>A <c>.safetensors</c> file.</summary>
        Safetensors,

        /// <summary><c>torch.save(model.state_dict())</c> in the legacy (pre-1.6) pickle format.</summary>
        Legacy,
    }

    public static TheoryData<string, Layout, string> Rows()
    {
        var rows = new TheoryData<string, Layout, string>();
        foreach (var file in Fixtures.Find(k => k is "simvpvq"))
        {
            foreach (var layout in Enum.GetValues<Layout>())
            {
                foreach (var device in TestDevices.Names)
                {
                    rows.Add(Fixtures.RelativePath(file), layout, device);
                }
            }
        }

        foreach (var file in Fixtures.Find(k => k is "simvp"))
        {
            rows.Add(Fixtures.RelativePath(file), Layout.Flat, "cpu");
        }

        return rows;
    }

    [SkippableTheory]
    [MemberData(nameof(Rows))]
    public void ReferenceWeightsInPyTorchFormatReproduceTheFixture(string file, Layout layout, string deviceName)
    {
        var device = TestDevices.Require(deviceName);
        using var fx = Fixtures.Load(file);
        string path = Write(fx, layout);

        using var model = Build(fx);
        var trainable = model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter.requires_grad);
        model.Module.to(device);
        var result = PyTorchCheckpointImporter.Import(path, model);

        Assert.Equal(model.Module.state_dict().Count, result.TensorCount);
        Assert.Equal(layout is Layout.ModelPrefixed or Layout.Nested ? "model." : null, result.StrippedPrefix);
        Assert.Equal(layout is Layout.Nested ? "state_dict" : null, result.UnwrappedEntry);
        Assert.Equal(layout switch { Layout.Safetensors => "safetensors", Layout.Legacy => "legacy torch.save", _ => "torch.save" }, result.Format);
        foreach (var (name, p) in model.Module.named_parameters())
        {
            Assert.Equal(trainable[name], p.requires_grad);
            Assert.Equal(device.type, p.device.type);
        }

        model.Module.eval();
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var input = fx["input"].to(device);
        var forward = model.Forward(input);
        TensorAssert.Close(fx["output"], forward.Prediction, fx.Atol, fx.Rtol, $"{fx.Name}/output after {layout} import on {deviceName}");
        if (fx.Outputs.Contains("quantize"))
        {
            TensorAssert.Close(fx["quantize"], forward.Quantizer!.Quantized, fx.Atol, fx.Rtol, $"{fx.Name}/quantize after {layout} import");
        }
    }

    [Fact]
    public void PickledWholeModelsAreRefused()
    {
        string path = _dir.Combine("whole.pth");
        TorchZipFiles.WriteZip(path, TorchZipFiles.WholeModelPickle());
        AssertOneLine<InvalidDataException>(path, "pickled whole model");
    }

    [Fact]
    public void LegacyPicklesThatWouldRunCodeAreRefused()
    {
        string path = _dir.Combine("evil.pth");
        LegacyTorchFileWriter.WriteObject(path, TorchZipFiles.CodeRunningPickles("true")["posix.system"]);
        AssertOneLine<InvalidDataException>(path, "'posix.system'");
    }

    [Fact]
    public void DictionariesWithoutAStateDictAreRefusedNamingTheirEntries()
    {
        string path = _dir.Combine("nostate.pth");
        TorchZipFiles.WriteZip(path, TorchZipFiles.NoStateDictPickle());
        AssertOneLine<InvalidDataException>(path, "[epoch]");
    }

    [Fact]
    public void FilesThatAreNotPyTorchCheckpointsAreRefused()
    {
        string path = _dir.Combine("notes.pth");
        File.WriteAllText(path, "not a checkpoint");
        AssertOneLine<InvalidDataException>(path, "not a PyTorch checkpoint");
    }

    [Fact]
    public void MissingFilesAreNamed()
    {
        string path = _dir.Combine("absent.pth");
        var e = AssertOneLine<FileNotFoundException>(path, "not found");
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WeightsOfAnotherShapeAreRefusedNamingTheFirstMismatchingKey()
    {
        using var other = new SimVPModelFactory().Create(SmallModels.Config().With("hid_T", 24), null);
        string path = _dir.Combine("other.pth");
        other.Module.save_py(path);
        AssertOneLine<InvalidDataException>(path, "shape mismatch for 'hid.enc.0.reduction.weight'");
    }

    [Fact]
    public void WeightsMissingAKeyAreRefusedNamingIt()
    {
        using var withSvq = SmallModels.Create(withSvq: false);
        string path = _dir.Combine("plain.pth");
        withSvq.Module.save_py(path);
        using var target = SmallModels.Create(withSvq: true);
        var e = Assert.Throws<InvalidDataException>(() => PyTorchCheckpointImporter.Import(path, target));
        Assert.Contains("missing key 'vq.vq.", e.Message, StringComparison.Ordinal);
    }

    private static E AssertOneLine<E>(string path, string expected)
        where E : Exception
    {
        using var model = SmallModels.Create();
        var e = Assert.Throws<E>(() => PyTorchCheckpointImporter.Import(path, model));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    private static IForecastModel Build(GoldenFixture fx) =>
        new SimVPModelFactory().Create(FixtureModels.ModelConfig(fx), fx.Kind == "simvpvq" ? FixtureModels.Quantizer(fx) : null);

    /// <summary>Writes the fixture's reference weights in <paramref name="layout"/> with PyBridge's writers (CPU, as PyTorch files hold).</summary>
    private string Write(GoldenFixture fx, Layout layout)
    {
        string path = _dir.Combine($"{fx.Name}-{layout}.{(layout == Layout.Safetensors ? "safetensors" : "pth")}");
        var source = Build(fx);
        fx.LoadInto(source.Module);
        switch (layout)
        {
            case Layout.Flat:
                source.Module.save_py(path);
                source.Dispose();
                break;
            case Layout.Safetensors:
                source.Module.save_safetensors(path);
                source.Dispose();
                break;
            case Layout.Legacy:
                LegacyTorchFileWriter.Write(path, [.. source.Module.state_dict()]);
                source.Dispose();
                break;
            default:
                // The wrapper owns the model from here and disposes it.
                using (var prefixed = new PrefixedModule(source.Module))
                {
                    string target = layout == Layout.Nested ? path + ".flat" : path;
                    prefixed.save_py(target);
                    if (layout == Layout.Nested)
                    {
                        TorchZipFiles.WrapStateDict(target, path);
                    }
                }

                break;
        }

        return path;
    }

    /// <summary>A parent whose only child is the model under the name <c>model</c>, so its state dict carries that prefix (as OpenSTL's Lightning module does).</summary>
    private sealed class PrefixedModule : nn.Module
    {
        public PrefixedModule(nn.Module model)
            : base("Wrapper") => register_module("model", model);
    }
}
