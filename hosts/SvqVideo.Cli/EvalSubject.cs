using SvqVideo.Cli.Commands;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Cli;

/// <summary>
/// What <c>eval</c> scores: a checkpoint's trainable model (with its quantizer's diagnostics) or an exported
/// <c>.onnx</c> model served by the onnx predictor. Owns what it opened.
/// </summary>
internal sealed class EvalSubject : IDisposable
{
    private EvalSubject(IForecastModel? model, IFramePredictor? predictor, ModelConfig config, string description, string label)
    {
        Model = model;
        Predictor = predictor;
        Config = config;
        Description = description;
        Label = label;
    }

    /// <summary>The checkpoint's model, or null for an exported model.</summary>
    public IForecastModel? Model { get; }

    /// <summary>The onnx predictor, or null for a checkpoint.</summary>
    public IFramePredictor? Predictor { get; }

    /// <summary>The clip shape and family (an exported model's from its metadata block).</summary>
    public ModelConfig Config { get; }

    /// <summary>One line for humans.</summary>
    public string Description { get; }

    /// <summary>The column label of the metric table.</summary>
    public string Label { get; }

    public static EvalSubject Open(CommandContext ctx, string path, Device device)
    {
        if (!PredictorFiles.IsOnnx(path))
        {
            var model = ctx.LoadModel(path);
            string label = $"{model.Config.Family}{(model.Quantizer is { } q ? "+" + q.Options.Kind : "")}";
            return new EvalSubject(model, null, model.Config, TrainCommand.Describe(model), label);
        }

        var predictor = PredictorFiles.Open(ctx, path, device.ToString());
        var m = predictor.GetService<ExportedModelMetadata>();
        if (m is null)
        {
            predictor.Dispose();
            throw new CliException(ExitCodes.Plugin, $"the onnx predictor did not describe {path} (no ExportedModelMetadata service)");
        }

        var config = new ModelConfig { Family = m.Family, FramesIn = m.FramesIn, FramesOut = m.FramesOut, Channels = m.Channels, Height = m.Height, Width = m.Width }
            .With("model_type", m.ModelType);
        string quantizer = m.Quantizer == "none" ? "without quantizer" : $"+ {m.Quantizer}";
        string description = $"{m.Family} {m.ModelType} {quantizer} (exported ONNX on ONNX Runtime), {m.FramesIn}->{m.FramesOut} at {m.Channels}x{m.Height}x{m.Width}";
        return new EvalSubject(null, predictor, config, description, $"{m.Family}{(m.Quantizer == "none" ? "" : "+" + m.Quantizer)} (onnx)");
    }

    public void Dispose()
    {
        Model?.Dispose();
        Predictor?.Dispose();
    }
}
