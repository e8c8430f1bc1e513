using SvqVideo.Datasets;
using SvqVideo.Metrics;
using SvqVideo.Torch;
using SvqVideo.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SvqVideo.Cli;

/// <summary>Scores a model and both baselines (copy-last-frame, blank frame) on a dataset, keeping a few examples for pictures.</summary>
internal static class EvalRunner
{
    internal sealed record Example(FrameClip Context, FrameClip Truth, FrameClip Prediction);

    internal sealed record Outcome(MetricReport Model, MetricReport CopyLast, MetricReport Blank, IReadOnlyList<Example> Examples, IReadOnlyDictionary<string, double> Quantizer, double[]? CodeUsage)
    {
        public BaselineVerdict Verdict => BaselineVerdict.Of(Model, CopyLast, Blank);

        /// <summary>The model's and both baselines' reports, labelled for tables.</summary>
        public IReadOnlyList<(string Name, MetricReport Report)> Columns(string modelName) =>
            [(modelName, Model), ("copy last frame", CopyLast), ("blank frame", Blank)];
    }

    public static Outcome Run(IForecastModel model, IClipDataset data, Device device, int maxClips, int examples, Lpips? lpips, string? lpipsReason, int batchSize, CancellationToken ct) =>
        Run(model, null, data, device, maxClips, examples, lpips, lpipsReason, batchSize, ct);

    /// <summary>Scores what eval opened: a checkpoint's model, or an exported model through its predictor.</summary>
    public static Outcome Run(EvalSubject subject, IClipDataset data, Device device, int maxClips, int examples, Lpips? lpips, string? lpipsReason, int batchSize, CancellationToken ct) =>
        Run(subject.Model, subject.Predictor, data, device, maxClips, examples, lpips, lpipsReason, batchSize, ct);

    private static Outcome Run(IForecastModel? model, IFramePredictor? predictor, IClipDataset data, Device device, int maxClips, int examples, Lpips? lpips, string? lpipsReason, int batchSize, CancellationToken ct)
    {
        var metrics = MetricNames.All;
        MetricSet NewSet() => new(new MetricSetOptions { Metrics = metrics, Lpips = lpips, LpipsUnavailableReason = lpipsReason });
        var modelSet = NewSet();
        var baseSet = NewSet();
        var blankSet = NewSet();
        var kept = new List<Example>();
        var options = new EvaluationOptions { BatchSize = batchSize, MaxClips = maxClips, Device = device.ToString() };
        void OnBatch(EvaluationBatch batch)
        {
            modelSet.Update(batch.Predictions, batch.Targets);
            for (int i = 0; i < batch.Clips && kept.Count < examples; i++)
            {
                kept.Add(new Example(ToClip(batch.Inputs[i]), ToClip(batch.Targets[i]), ToClip(batch.Predictions[i].clamp(0, 1))));
            }
        }

        if (model is null)
        {
            PredictorEvaluation.Run(predictor!, data, options, OnBatch, ct);
        }
        else
        {
            model.Module.to(device);
            model.Module.eval();
            Evaluation.Run(model, data, options, OnBatch, ct);
        }

        Evaluation.RunCopyLastFrame(data, options, batch => baseSet.Update(batch.Predictions, batch.Targets), ct);
        Evaluation.RunBlankFrame(data, options, batch => blankSet.Update(batch.Predictions, batch.Targets), ct);

        var diagnostics = new Dictionary<string, double>();
        double[]? usage = null;
        if (model is ILatentEncoder encoder && model.Quantizer is { } q)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            int n = Math.Min(Math.Min(data.Count, 16), Math.Max(1, maxClips > 0 ? maxClips : 16));
            var frames = new float[n * (data.FramesIn + data.FramesOut) * data.Channels * data.Height * data.Width];
            int per = (data.FramesIn + data.FramesOut) * data.Channels * data.Height * data.Width;
            for (int i = 0; i < n; i++)
            {
                data.CopyClip(i, frames.AsSpan(i * per, per));
            }

            var clips = tensor(frames, [n, data.FramesIn + data.FramesOut, data.Channels, data.Height, data.Width]).to(device);
            var latents = encoder.EncodeLatents(clips.narrow(1, 0, data.FramesIn));
            if (q is IQuantizerDiagnostics d)
            {
                foreach (var (k, v) in d.Diagnose(latents))
                {
                    diagnostics[k] = v;
                }
            }

            if (q is ICodebookUsage u)
            {
                usage = u.CodeUsage(latents).cpu().to(ScalarType.Float64).data<double>().ToArray();
            }
            else
            {
                using var output = q.Quantize(latents);
                usage = output.CodeUsage?.cpu().to(ScalarType.Float64).data<double>().ToArray();
            }
        }

        return new Outcome(modelSet.Report(), baseSet.Report(), blankSet.Report(), kept, diagnostics, usage);
    }

    /// <summary>Whether a model of <paramref name="config"/> takes <paramref name="data"/>'s clips (context length, channels, size).</summary>
    public static bool Takes(ModelConfig config, IClipDataset data) =>
        config.FramesIn == data.FramesIn && config.Channels == data.Channels && config.Height == data.Height && config.Width == data.Width;

    /// <summary>A (T, C, H, W) tensor as a clip.</summary>
    public static FrameClip ToClip(Tensor t)
    {
        var cpu = t.detach().cpu().contiguous().to(ScalarType.Float32);
        var shape = cpu.shape;
        return new FrameClip(cpu.data<float>().ToArray(), (int)shape[0], (int)shape[1], (int)shape[2], (int)shape[3]);
    }
}
