using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Onnx.Tests;

/// <summary>Exports a model to a file and opens it with the <c>onnx</c> predictor plugin, as a host would; tensor ⇄ clip helpers.</summary>
internal static class Exported
{
    /// <summary>Options asking the onnx predictor for the unclipped values (what the graph computes).</summary>
    public static ForecastOptions Unclipped(int frames) => new() { Frames = frames, AdditionalProperties = new Dictionary<string, object?> { ["clip"] = false } };

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> and opens it on ONNX Runtime (CPU).</summary>
    public static IFramePredictor Open(IForecastModel model, string path, OnnxExportOptions? options = null, int threads = 1)
    {
        OnnxExporter.Export(model, path, options);
        return OpenFile(path, threads);
    }

    /// <summary>Opens an exported file with the onnx predictor.</summary>
    public static IFramePredictor OpenFile(string path, int threads = 1) =>
        Plugins.Catalog.CreatePredictor("onnx", new PredictorCreateOptions
        {
            CheckpointPath = path,
            Device = "cpu",
            AdditionalProperties = new Dictionary<string, object?> { ["threads"] = threads },
        });

    /// <summary>(B, T, C, H, W) as B clips.</summary>
    public static IReadOnlyList<FrameClip> Clips(Tensor frames)
    {
        var cpu = frames.detach().cpu().contiguous().to(ScalarType.Float32);
        var s = cpu.shape;
        var data = cpu.data<float>().ToArray();
        long per = s[1] * s[2] * s[3] * s[4];
        return Enumerable.Range(0, (int)s[0])
            .Select(b => new FrameClip(data.AsSpan((int)(b * per), (int)per).ToArray(), (int)s[1], (int)s[2], (int)s[3], (int)s[4]))
            .ToList();
    }

    /// <summary>B clips of equal shape as (B, T, C, H, W).</summary>
    public static Tensor Stack(IReadOnlyList<FrameClip> clips)
    {
        var c = clips[0];
        var data = clips.SelectMany(x => x.Data.ToArray()).ToArray();
        return tensor(data, [clips.Count, c.Frames, c.Channels, c.Height, c.Width]);
    }

    /// <summary>The onnx predictor's unclipped forecast of <paramref name="frames"/> for <paramref name="horizon"/> frames.</summary>
    public static Tensor Forecast(IFramePredictor predictor, Tensor frames, int horizon) =>
        Stack(predictor.PredictBatch(Clips(frames), Unclipped(horizon)));

    /// <summary>The TorchSharp model's forecast (eval, inference mode), on the CPU.</summary>
    public static Tensor TorchForecast(IForecastModel model, Tensor frames, int horizon)
    {
        model.Module.eval();
        using var mode = inference_mode();
        return model.Forecast(frames, horizon).cpu();
    }
}
