using Onnx;
using SvqVideo.Testing;
using SvqVideo.Torch;
using SvqVideo.Torch.Onnx;
using static TorchSharp.torch;

namespace SvqVideo.Onnx.Tests;

/// <summary>
/// The file is what docs/deployment.md promises: names, shapes, the dynamic batch axis, opset and IR version, the
/// metadata block; BatchNorm and the SVQ codebook product are folded away; opset 18 works too; what cannot be
/// exported is refused with one line naming it, and nothing is written.
/// </summary>
public sealed class ContractTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-onnx-contract-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void FileDeclaresTheDocumentedTensorsOpsetAndMetadata()
    {
        using var model = SmallModels.Create("svq", residual: true);
        string path = _dir.Combine("model.onnx");
        var result = OnnxExporter.Export(model, path, new OnnxExportOptions { SourceSha256 = "00ff", ChannelOrder = "gray", Configuration = "{\"x\":1}" });
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));

        Assert.Equal(OnnxExporter.IrVersion, proto.IrVersion);
        Assert.Equal(("", 17L), (proto.OpsetImport.Single().Domain, proto.OpsetImport.Single().Version));
        AssertTensor(proto.Graph.Input.Single(), ExportedModelMetadata.InputName, SmallModels.Frames);
        AssertTensor(proto.Graph.Output.Single(), ExportedModelMetadata.OutputName, SmallModels.Frames);
        Assert.Equal(result.Nodes, proto.Graph.Node.Count);
        Assert.Equal(result.Bytes, new FileInfo(path).Length);

        var props = proto.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(result.Metadata.ToProperties(), props);
        var parsed = ExportedModelMetadata.FromProperties(props, path);
        Assert.Equal(result.Metadata, parsed);
        Assert.Equal(("simvp", "gSTA", "svq", true, "00ff", "{\"x\":1}"), (parsed.Family, parsed.ModelType, parsed.Quantizer, parsed.Residual, parsed.SourceSha256, parsed.Configuration));
        Assert.Equal(("frames", "prediction", "1"), (props["svqvideo.input"], props["svqvideo.output"], props["svqvideo.contract"]));
    }

    [Fact]
    public void BatchNormsAndTheSvqCodebookProductAreFolded()
    {
        // A codebook size no other tensor of this model has (the weight MLP's hidden width is min(middim 128, N)),
        // so any trace of the codebook or of the N regression weights would show.
        manual_seed(4);
        var svq = Plugins.Catalog.GetQuantizer("svq").Create(Plugins.Catalog.GetQuantizer("svq").DefaultOptions(SmallModels.HidS) with { CodebookSize = 300 });
        using var model = Plugins.Catalog.GetModel("simvp").Create(SmallModels.Config(), svq);
        Assert.Contains(model.Module.modules(), m => m is TorchSharp.Modules.BatchNorm2d);
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ExportToBytes(model));

        Assert.DoesNotContain(proto.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.DoesNotContain(proto.Graph.Initializer, t => t.Dims.Contains(300));
        Assert.Contains(proto.Graph.Initializer, t => t.Dims.SequenceEqual([SmallModels.HidS, 128L, 1L, 1L]));
    }

    [Theory]
    [InlineData("hornet")]
    [InlineData("uniformer")]
    [InlineData("moga")]
    public void Opset18GraphsMatchTooWhereReductionsChangedForm(string translator)
    {
        using var model = SmallModels.Create("rvq", translator);
        SmallModels.Train(model, steps: 2);
        using var onnx = Exported.Open(model, _dir.Combine($"{translator}18.onnx"), new OnnxExportOptions { Opset = 18 });
        using var scope = NewDisposeScope();
        var x = SmallModels.MovingSquares(2, SmallModels.Frames, 1, SmallModels.Size, 3);

        Assert.Equal(18, onnx.GetService<ExportedModelMetadata>()!.Opset);
        TensorAssert.Close(Exported.TorchForecast(model, x, 6), Exported.Forecast(onnx, x, 6), 1e-4, 0, $"{translator} at opset 18");
    }

    [Fact]
    public void AQuantizerWithoutAnOnnxFormIsRefusedByNameAndNothingIsWritten()
    {
        // The test plugin 'scale' is a working quantizer whose plugin offers no IOnnxExportable.
        using var testPlugins = Hosting.PluginCatalog.Load(Path.Combine(Fixtures.RepositoryRoot, "artifacts", "test-plugins", "v1"), new Hosting.PluginCatalogOptions { Strict = false });
        var scale = testPlugins.GetQuantizer("scale").Create(new QuantizerOptions { Kind = "scale", Dimension = SmallModels.HidS });
        using var model = Plugins.Catalog.GetModel("simvp").Create(SmallModels.Config(), scale);
        string path = _dir.Combine("scale.onnx");

        var e = Assert.Throws<OnnxExportNotSupportedException>(() => OnnxExporter.Export(model, path));

        Assert.Contains("quantizer 'scale' has no ONNX form", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void OpsetsOutsideTheSupportedRangeAreRefused()
    {
        using var model = SmallModels.Create(null);
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxExporter.ExportToBytes(model, new OnnxExportOptions { Opset = 16 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxExporter.ExportToBytes(model, new OnnxExportOptions { Opset = OnnxExporter.MaximumOpset + 1 }));
    }

    [Fact]
    public void ExportLeavesTheModelsTrainingFlagAsItWas()
    {
        using var model = SmallModels.Create(null);
        model.Module.train();
        OnnxExporter.ExportToBytes(model);
        Assert.True(model.Module.training);
    }

    private static void AssertTensor(ValueInfoProto value, string name, int frames)
    {
        Assert.Equal(name, value.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Float, value.Type.TensorType.ElemType);
        var dims = value.Type.TensorType.Shape.Dim;
        Assert.Equal(ExportedModelMetadata.BatchAxis, dims[0].DimParam);
        Assert.Equal([frames, 1L, SmallModels.Size, SmallModels.Size], dims.Skip(1).Select(d => d.DimValue));
    }
}
