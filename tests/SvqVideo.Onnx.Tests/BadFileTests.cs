using Google.Protobuf;
using Onnx;
using SvqVideo.Testing;

namespace SvqVideo.Onnx.Tests;

/// <summary>
/// The onnx predictor refuses what it cannot serve with one line that names the file and the reason: a file that is not
/// ONNX, an ONNX model without SvqVideo's metadata, metadata of another contract, a graph that does not match its
/// metadata, a missing file, and settings this build cannot honour.
/// </summary>
public sealed class BadFileTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-onnx-bad-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AFileThatIsNotOnnxIsRefused()
    {
        string path = Write("notes.onnx", "this is not a model"u8.ToArray());
        AssertOneLine<InvalidDataException>(path, "cannot be loaded as an ONNX model");
    }

    [Fact]
    public void AnOnnxModelWithoutSvqVideoMetadataIsRefused()
    {
        var proto = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "identity" } };
        proto.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });
        proto.Graph.Input.Add(FloatInput("x"));
        proto.Graph.Output.Add(FloatInput("y"));
        proto.Graph.Node.Add(new NodeProto { OpType = "Identity", Input = { "x" }, Output = { "y" } });
        string path = Write("foreign.onnx", proto.ToByteArray());
        AssertOneLine<InvalidDataException>(path, "not an SvqVideo export");
    }

    [Fact]
    public void MetadataOfAnotherContractIsRefused()
    {
        string path = ExportEdited("future.onnx", props => props["svqvideo.contract"] = "99");
        AssertOneLine<InvalidDataException>(path, "contract '99'");
    }

    [Fact]
    public void AGraphThatDoesNotMatchItsMetadataIsRefused()
    {
        string path = ExportEdited("lying.onnx", props => props["svqvideo.height"] = "32");
        AssertOneLine<InvalidDataException>(path, "its metadata promises float32 [batch, 4, 1, 32, 16]");
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        string path = _dir.Combine("absent.onnx");
        AssertOneLine<FileNotFoundException>(path, "model not found");
    }

    [Fact]
    public void CudaOnACpuBuildAndBadThreadCountsAreRefused()
    {
        string path = ExportEdited("fine.onnx", _ => { });
        var cuda = Assert.Throws<ArgumentException>(() => Plugins.Catalog.CreatePredictor("onnx", new PredictorCreateOptions { CheckpointPath = path, Device = "cuda" }));
        var threads = Assert.Throws<ArgumentException>(() => Plugins.Catalog.CreatePredictor("onnx", new PredictorCreateOptions
        {
            CheckpointPath = path,
            AdditionalProperties = new Dictionary<string, object?> { ["threads"] = "-3" },
        }));
        var device = Assert.Throws<ArgumentException>(() => Plugins.Catalog.CreatePredictor("onnx", new PredictorCreateOptions { CheckpointPath = path, Device = "tpu" }));

        Assert.Contains("-p:OnnxRuntimeBackend=cuda", cuda.Message, StringComparison.Ordinal);
        Assert.Contains("'threads'", threads.Message, StringComparison.Ordinal);
        Assert.Contains("unknown device 'tpu'", device.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Plugins.Catalog.CreatePredictor("onnx", new PredictorCreateOptions()));
    }

    private string Write(string name, byte[] bytes)
    {
        string path = _dir.Combine(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A valid export of a small model whose metadata is then edited (the graph unchanged).</summary>
    private string ExportEdited(string name, Action<Dictionary<string, string>> edit)
    {
        using var model = SmallModels.Create(null);
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ExportToBytes(model));
        var props = proto.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        edit(props);
        proto.MetadataProps.Clear();
        proto.MetadataProps.AddRange(props.Select(kv => new StringStringEntryProto { Key = kv.Key, Value = kv.Value }));
        return Write(name, proto.ToByteArray());
    }

    private static void AssertOneLine<T>(string path, string expected)
        where T : Exception
    {
        var e = Assert.Throws<T>(() => Exported.OpenFile(path).Dispose());
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(path), e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static ValueInfoProto FloatInput(string name) => new()
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimValue = 1 } } } } },
    };
}
