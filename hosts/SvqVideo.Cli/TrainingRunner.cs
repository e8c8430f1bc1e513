using System.Globalization;
using Spectre.Console;
using SvqVideo.Cli.Reports;
using SvqVideo.Datasets;
using SvqVideo.Torch;
using SvqVideo.Training;

namespace SvqVideo.Cli;

/// <summary>Runs a <see cref="Trainer"/> with a live progress bar on stderr and writes the run's pictures.</summary>
internal static class TrainingRunner
{
    /// <exception cref="CliException">The loss or the gradients stopped being finite (exit code <see cref="ExitCodes.Diverged"/>).</exception>
    public static TrainingResult Run(CommandContext ctx, IForecastModel model, IClipDataset train, IClipDataset validation, TrainingOptions options, bool resume, string label, CancellationToken ct)
    {
        var result = Train(ctx, model, train, validation, options, resume, label, ct);
        if (result.Reason == StopReason.NonFinite)
        {
            string kept = result.LastCheckpoint is { } last && File.Exists(last) ? $"{last} keeps the last good weights" : "no checkpoint holds non-finite weights";
            throw new CliException(ExitCodes.Diverged, $"{label}: training stopped: {result.NonFinite}; {kept} (lower --lr or set --clip-grad, then train again)");
        }

        return result;
    }

    private static TrainingResult Train(CommandContext ctx, IForecastModel model, IClipDataset train, IClipDataset validation, TrainingOptions options, bool resume, string label, CancellationToken ct)
    {
        var trainer = new Trainer(model, train, validation, options);
        TrainingResult? result = null;
        if (ctx.Json || !ctx.Ui.Profile.Capabilities.Interactive)
        {
            // Plain lines (one per epoch) when nobody watches a terminal.
            var progress = new SyncProgress(p =>
            {
                if (p is EpochSummary e)
                {
                    ctx.Stderr.WriteLine(EpochLine(label, e));
                }
                else if (p is CheckpointProgress { MidEpoch: true } c)
                {
                    ctx.Stderr.WriteLine(CheckpointLine(label, c));
                }
            });
            result = trainer.Train(resume, progress, ct);
            return result;
        }

        ctx.Ui.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(p =>
            {
                ProgressTask? task = null;
                var progress = new SyncProgress(update =>
                {
                    switch (update)
                    {
                        case StepProgress s:
                            task ??= p.AddTask(label, maxValue: s.StepsPerEpoch);
                            task.MaxValue = s.StepsPerEpoch;
                            task.Value = s.Step;
                            task.Description = $"{Markup.Escape(label)} epoch {s.Epoch}/{s.Epochs} loss {s.Loss:F4} {s.SequencesPerSecond:F1} seq/s";
                            break;
                        case EpochSummary e:
                            ctx.Ui.MarkupLine(Markup.Escape(EpochLine(label, e)));
                            task?.Value(0);
                            break;
                        case CheckpointProgress { MidEpoch: true } c:
                            ctx.Ui.MarkupLine($"[grey]{Markup.Escape(CheckpointLine(label, c))}[/]");
                            break;
                    }
                });
                result = trainer.Train(resume, progress, ct);
                task?.StopTask();
            });
        return result!;
    }

    public static string EpochLine(string label, EpochSummary e)
    {
        string Val(double? v) => v is { } x ? x.ToString("F5", CultureInfo.InvariantCulture) : "-";
        return $"{label} epoch {e.Epoch}: train {e.TrainLoss:F5}  val {Val(e.ValidationLoss)}  copy-last {Val(e.BaselineLoss)}  lr {e.LearningRate:G3}"
            + (e.Perplexity is { } px ? $"  perplexity {px:F1}" : "") + $"  {e.SequencesPerSecond:F1} seq/s{(e.IsBest ? "  (best)" : "")}";
    }

    /// <summary>The line that says a checkpoint inside an epoch is on disk, i.e. where a crash from now on would resume.</summary>
    public static string CheckpointLine(string label, CheckpointProgress c) =>
        string.Create(CultureInfo.InvariantCulture, $"{label} checkpoint at epoch {c.Epoch} step {c.Step}/{c.StepsPerEpoch}: {Path.GetFileName(c.Path)} ({c.Bytes / 1e6:F1} MB, {c.Duration.TotalSeconds:F2} s)");

    /// <summary>Loss-curve PNG of one or more runs (train and validation, with the copy-last-frame baseline).</summary>
    public static void WriteLossCurves(string path, string title, IReadOnlyList<(string Name, TrainingResult Result)> runs)
    {
        var series = new Dictionary<string, IReadOnlyList<(double, double)>>();
        foreach (var (name, r) in runs)
        {
            string prefix = runs.Count > 1 ? name + " " : "";
            series[prefix + "train"] = r.History.Select(e => ((double)e.Epoch, e.TrainLoss)).ToList();
            series[prefix + "validation"] = r.History.Where(e => e.ValidationLoss is not null).Select(e => ((double)e.Epoch, e.ValidationLoss!.Value)).ToList();
        }

        var baseline = runs.SelectMany(r => r.Result.History).FirstOrDefault(e => e.BaselineLoss is not null)?.BaselineLoss;
        if (baseline is { } b && runs.Count > 0)
        {
            int last = runs.Max(r => r.Result.History.Count == 0 ? 1 : r.Result.History[^1].Epoch);
            series["copy-last-frame (val)"] = [(1.0, b), (last, b)];
        }

        Charts.WriteCurves(path, title, "loss", series);
    }

    /// <summary>Synchronous IProgress: the trainer's thread renders directly (Progress&lt;T&gt; would post to the pool).</summary>
    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
