using Google.Protobuf;
using Onnx;
using SvqVideo.Torch;
using SvqVideo.Torch.Onnx;
using static TorchSharp.torch;

namespace SvqVideo.Onnx;

/// <summary>
/// Writes a forecasting model's inference graph as ONNX: one forward pass from
/// <see cref="ExportedModelMetadata.InputName"/> (batch, T_in, C, H, W) to <see cref="ExportedModelMetadata.OutputName"/>
/// (batch, frames per pass, C, H, W), with a dynamic batch axis and SvqVideo's metadata block. The computation comes
/// from the model itself (<see cref="IOnnxExportable"/>), which asks its quantizer for its own part; a model or
/// quantizer without that capability, or a configuration without an exact ONNX form, is refused with
/// <see cref="OnnxExportNotSupportedException"/> and nothing is written. Thread-safe (no shared state); the model is
/// switched to eval mode for the export and back afterwards, so do not train it meanwhile.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The opset written by default (and the lowest supported): ai.onnx 17, which has LayerNormalization.</summary>
    public const int DefaultOpset = 17;

    /// <summary>The highest opset this exporter writes.</summary>
    public const int MaximumOpset = 18;

    /// <summary>The ONNX IR version written with opsets 17 and 18.</summary>
    public const int IrVersion = 8;

    /// <summary>Exports <paramref name="model"/> to <paramref name="path"/> atomically (a temporary file renamed when complete).</summary>
    /// <exception cref="OnnxExportNotSupportedException">The model, its translator or its quantizer has no exact ONNX form.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The opset is outside <see cref="DefaultOpset"/>..<see cref="MaximumOpset"/>.</exception>
    /// <exception cref="DirectoryNotFoundException">The target folder does not exist.</exception>
    public static OnnxExportResult Export(IForecastModel model, string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var (proto, result) = Build(model, options);
        AtomicFile.Write(path, stream => proto.WriteTo(stream));
        return result;
    }

    /// <summary>Exports <paramref name="model"/> into <paramref name="destination"/>.</summary>
    /// <exception cref="OnnxExportNotSupportedException">The model, its translator or its quantizer has no exact ONNX form.</exception>
    public static OnnxExportResult Write(IForecastModel model, Stream destination, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var (proto, result) = Build(model, options);
        proto.WriteTo(destination);
        return result;
    }

    /// <summary>Exports <paramref name="model"/> and returns the serialised file.</summary>
    /// <exception cref="OnnxExportNotSupportedException">The model, its translator or its quantizer has no exact ONNX form.</exception>
    public static byte[] ExportToBytes(IForecastModel model, OnnxExportOptions? options = null)
    {
        var (proto, _) = Build(model, options);
        return proto.ToByteArray();
    }

    /// <summary>The metadata block <see cref="Export(IForecastModel, string, OnnxExportOptions?)"/> would write for <paramref name="model"/>.</summary>
    public static ExportedModelMetadata Describe(IForecastModel model, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var c = model.Config;
        return new ExportedModelMetadata
        {
            Family = c.Family,
            ModelType = c.GetString("model_type", "") ?? "",
            Quantizer = model.Quantizer?.Options.Kind ?? "none",
            FramesIn = c.FramesIn,
            FramesOut = c.FramesOut,
            FramesPerPass = model.FramesPerPass,
            Channels = c.Channels,
            Height = c.Height,
            Width = c.Width,
            ChannelOrder = options?.ChannelOrder ?? (c.Channels == 1 ? "gray" : "RGB"),
            Residual = c.GetBool("residual", false),
            SourceSha256 = options?.SourceSha256 ?? "",
            Opset = options?.Opset ?? DefaultOpset,
            Configuration = options?.Configuration ?? "",
        };
    }

    private static (ModelProto Proto, OnnxExportResult Result) Build(IForecastModel model, OnnxExportOptions? options)
    {
        ArgumentNullException.ThrowIfNull(model);
        int opset = options?.Opset ?? DefaultOpset;
        if (opset is < DefaultOpset or > MaximumOpset)
        {
            throw new ArgumentOutOfRangeException(nameof(options), opset, $"ONNX opset must be {DefaultOpset}..{MaximumOpset}");
        }

        var exportable = model as IOnnxExportable ?? model.Module as IOnnxExportable
            ?? throw new OnnxExportNotSupportedException($"model family '{model.Config.Family}' has no ONNX export (its plugin does not implement IOnnxExportable)");
        var metadata = Describe(model, options);
        var c = model.Config;
        var builder = new OnnxGraphBuilder($"{c.Family}_{metadata.ModelType}_{metadata.Quantizer}".ToLowerInvariant(), opset);
        builder.AddInput(ExportedModelMetadata.InputName, [null, c.FramesIn, c.Channels, c.Height, c.Width]);
        bool wasTraining = model.Module.training;
        model.Module.eval();
        try
        {
            using var noGrad = no_grad();
            string output = exportable.ExportOnnx(builder, ExportedModelMetadata.InputName);
            builder.AddOutput(output, ExportedModelMetadata.OutputName, [null, model.FramesPerPass, c.Channels, c.Height, c.Width]);
        }
        finally
        {
            model.Module.train(wasTraining);
        }

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "svqvideo",
            ProducerVersion = metadata.SdkVersion,
            ModelVersion = ExportedModelMetadata.CurrentContract,
            DocString = $"SvqVideo {c.Family} {metadata.ModelType} + {metadata.Quantizer}: {c.FramesIn} frames of {c.Channels}x{c.Height}x{c.Width} -> {model.FramesPerPass} frames (one pass)",
            Graph = builder.Graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        foreach (var (key, value) in metadata.ToProperties())
        {
            proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return (proto, new OnnxExportResult(metadata, builder.NodeCount, builder.InitializerCount, proto.CalculateSize()));
    }
}
