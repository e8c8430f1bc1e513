using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using SvqVideo.Torch.Onnx;
using static TorchSharp.torch;

namespace SvqVideo.Onnx;

/// <summary>
/// The exporter's <see cref="IOnnxGraph"/>: collects nodes and initializers into an ONNX <see cref="GraphProto"/>.
/// Value names are unique; small constants with identical contents are stored once. Not thread-safe.
/// </summary>
internal sealed class OnnxGraphBuilder : IOnnxGraph
{
    private const int SharedConstantLimit = 64;

    private readonly HashSet<string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _smallConstants = new(StringComparer.Ordinal);
    private readonly List<string> _scopes = [];
    private readonly GraphProto _graph;

    public OnnxGraphBuilder(string name, int opset)
    {
        _graph = new GraphProto { Name = name };
        Opset = opset;
    }

    public int Opset { get; }

    public GraphProto Graph => _graph;

    public int NodeCount => _graph.Node.Count;

    public int InitializerCount => _graph.Initializer.Count;

    /// <summary>Declares a graph input of float32 with the given dims (null = the symbolic batch axis).</summary>
    public void AddInput(string name, IReadOnlyList<long?> dims)
    {
        Claim(name);
        _graph.Input.Add(ValueInfo(name, dims));
    }

    /// <summary>Declares <paramref name="value"/> as the graph output <paramref name="name"/> (an Identity node renames it).</summary>
    public void AddOutput(string value, string name, IReadOnlyList<long?> dims)
    {
        RequireValue(value);
        Claim(name);
        _graph.Node.Add(new NodeProto { OpType = "Identity", Name = name + "/Identity", Input = { value }, Output = { name } });
        _graph.Output.Add(ValueInfo(name, dims));
    }

    public string Initializer(string name, Tensor value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        var proto = ToTensorProto(value);
        string? key = null;
        if (value.numel() <= SharedConstantLimit)
        {
            key = $"{proto.DataType}|{string.Join(",", proto.Dims)}|{proto.RawData.ToBase64()}";
            if (_smallConstants.TryGetValue(key, out var existing))
            {
                return existing;
            }
        }

        proto.Name = Unique(Qualified(name, '.'));
        Claim(proto.Name);
        _graph.Initializer.Add(proto);
        if (key is not null)
        {
            _smallConstants[key] = proto.Name;
        }

        return proto.Name;
    }

    public IReadOnlyList<string> Node(string opType, IReadOnlyList<string> inputs, int outputs, IReadOnlyList<KeyValuePair<string, object>> attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        foreach (var input in inputs)
        {
            if (input.Length > 0)
            {
                RequireValue(input);
            }
        }

        string nodeName = Unique(Qualified(opType, '/'));
        var node = new NodeProto { OpType = opType, Name = nodeName };
        node.Input.AddRange(inputs);
        var names = new string[outputs];
        if (outputs > 1)
        {
            Claim(nodeName);
        }

        for (int i = 0; i < outputs; i++)
        {
            names[i] = outputs == 1 ? nodeName : Unique(nodeName + ":" + i.ToString(CultureInfo.InvariantCulture));
            Claim(names[i]);
        }

        node.Output.AddRange(names);
        foreach (var (key, value) in attributes)
        {
            node.Attribute.Add(Attribute(key, value, opType));
        }

        _graph.Node.Add(node);
        return names;
    }

    public IDisposable Scope(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _scopes.Add(name);
        return new ScopeHandle(this, _scopes.Count);
    }

    private string Qualified(string name, char separator) => _scopes.Count == 0 ? name : string.Join('.', _scopes) + separator + name;

    private string Unique(string name)
    {
        if (!_values.Contains(name))
        {
            return name;
        }

        for (int i = 1; ; i++)
        {
            string candidate = name + "_" + i.ToString(CultureInfo.InvariantCulture);
            if (!_values.Contains(candidate))
            {
                return candidate;
            }
        }
    }

    private void Claim(string name)
    {
        if (!_values.Add(name))
        {
            throw new ArgumentException($"value name '{name}' is used twice in the graph");
        }
    }

    private void RequireValue(string name)
    {
        if (!_values.Contains(name))
        {
            throw new ArgumentException($"'{name}' is not a value of the graph (inputs must be graph inputs, initializers or node outputs)");
        }
    }

    private static ValueInfoProto ValueInfo(string name, IReadOnlyList<long?> dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d is { } n ? new TensorShapeProto.Types.Dimension { DimValue = n } : new TensorShapeProto.Types.Dimension { DimParam = ExportedModelMetadata.BatchAxis });
        }

        var type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } };
        return new ValueInfoProto { Name = name, Type = type };
    }

    private static TensorProto ToTensorProto(Tensor value)
    {
        using var scope = NewDisposeScope();
        var proto = new TensorProto();
        proto.Dims.AddRange(value.shape);
        var cpu = value.detach().cpu().contiguous();
        switch (cpu.dtype)
        {
            case ScalarType.Float32:
            case ScalarType.Float64:
                proto.DataType = (int)TensorProto.Types.DataType.Float;
                proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(cpu.to(ScalarType.Float32).data<float>().ToArray().AsSpan()));
                break;
            case ScalarType.Int64:
                proto.DataType = (int)TensorProto.Types.DataType.Int64;
                proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(cpu.data<long>().ToArray().AsSpan()));
                break;
            default:
                throw new ArgumentException($"initializers must be float32, float64 or int64 tensors, got {cpu.dtype}", nameof(value));
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian; this exporter runs on little-endian machines only");
        }

        return proto;
    }

    private static AttributeProto Attribute(string name, object value, string opType)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case long l:
                a.Type = AttributeProto.Types.AttributeType.Int;
                a.I = l;
                break;
            case int i:
                a.Type = AttributeProto.Types.AttributeType.Int;
                a.I = i;
                break;
            case float f:
                a.Type = AttributeProto.Types.AttributeType.Float;
                a.F = f;
                break;
            case double d:
                a.Type = AttributeProto.Types.AttributeType.Float;
                a.F = (float)d;
                break;
            case string s:
                a.Type = AttributeProto.Types.AttributeType.String;
                a.S = ByteString.CopyFromUtf8(s);
                break;
            case long[] ls:
                a.Type = AttributeProto.Types.AttributeType.Ints;
                a.Ints.AddRange(ls);
                break;
            case int[] iss:
                a.Type = AttributeProto.Types.AttributeType.Ints;
                a.Ints.AddRange(iss.Select(x => (long)x));
                break;
            case float[] fs:
                a.Type = AttributeProto.Types.AttributeType.Floats;
                a.Floats.AddRange(fs);
                break;
            default:
                throw new ArgumentException($"{opType} attribute '{name}' has unsupported type {value?.GetType().Name ?? "null"}");
        }

        return a;
    }

    private sealed class ScopeHandle(OnnxGraphBuilder owner, int depth) : IDisposable
    {
        private bool _closed;

        public void Dispose()
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            if (owner._scopes.Count != depth)
            {
                throw new InvalidOperationException("ONNX export scopes must be closed in reverse order of opening");
            }

            owner._scopes.RemoveAt(depth - 1);
        }
    }
}
