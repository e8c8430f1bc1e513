using System.Text.Json;
using SvqVideo.Cli.Reports;
using SvqVideo.Training;

namespace SvqVideo.Cli;

/// <summary>Writes an evaluation's pictures, JSON and the HTML page that links them.</summary>
internal static class RunReport
{
    /// <summary>Returns the JSON object that was written to metrics.json.</summary>
    public static object Write(string folder, string title, string description, EvalRunner.Outcome outcome, TrainingResult? training)
    {
        Directory.CreateDirectory(folder);
        var html = new HtmlReport(title).Paragraph(description);
        var rows = outcome.Model.Metrics.Keys.Select(k => (IReadOnlyList<string>)
        [
            k,
            MetricTables.Format(outcome.Model.Metrics[k].Mean),
            outcome.CopyLast.Metrics.TryGetValue(k, out var b) ? MetricTables.Format(b.Mean) : "n/a",
            outcome.Blank.Metrics.TryGetValue(k, out var z) ? MetricTables.Format(z.Mean) : "n/a",
            outcome.Model.Metrics[k].Description,
        ]).ToList();
        html.Heading("Metrics on held-out clips").Table(["metric", "model", "copy last frame", "blank frame", "meaning"], rows);
        if (outcome.Verdict.Warning is { } warning)
        {
            html.Paragraph("Warning: " + warning + ".");
        }

        foreach (var (metric, reason) in outcome.Model.Unavailable)
        {
            html.Paragraph($"{metric}: {reason}");
        }

        if (outcome.Quantizer.Count > 0)
        {
            html.Heading("Quantizer diagnostics").Table(["diagnostic", "value"], outcome.Quantizer.Select(kv => (IReadOnlyList<string>)[kv.Key, MetricTables.Format(kv.Value)]));
        }

        html.Heading("Examples (context | truth | prediction | |error|)");
        for (int i = 0; i < outcome.Examples.Count; i++)
        {
            var e = outcome.Examples[i];
            string name = $"example{i}.png";
            FrameImages.WriteStrip(Path.Combine(folder, name), e.Context, e.Truth, e.Prediction);
            html.Image(name, $"example {i}");
        }

        if (outcome.Examples.Count > 0)
        {
            var e = outcome.Examples[0];
            FrameImages.WriteComparisonGif(Path.Combine(folder, "forecast.gif"), e.Context, e.Truth, e.Prediction);
            html.Image("forecast.gif", "context, then truth (left) vs prediction (right)");
        }

        if (training is not null)
        {
            TrainingRunner.WriteLossCurves(Path.Combine(folder, "loss.png"), "training and validation loss", [("run", training)]);
            html.Heading("Training").Image("loss.png", $"loss curves ({training.EpochsCompleted} epochs, {training.Steps} steps, stopped: {training.Reason})");
        }

        if (outcome.CodeUsage is { Length: > 0 } usage)
        {
            Charts.WriteCodebookUsage(Path.Combine(folder, "codebook.png"), "codebook usage (codes sorted by use)", usage);
            int used = usage.Count(u => u > 0);
            html.Heading("Codebook").Image("codebook.png", $"{used} of {usage.Length} codes used on the sampled tokens");
        }

        html.Write(Path.Combine(folder, "index.html"));
        var json = new
        {
            title,
            model = JsonDocument.Parse(outcome.Model.ToJson()).RootElement,
            copy_last_frame = JsonDocument.Parse(outcome.CopyLast.ToJson()).RootElement,
            blank_frame = JsonDocument.Parse(outcome.Blank.ToJson()).RootElement,
            baselines = JsonDocument.Parse(outcome.Verdict.ToJson().ToJsonString()).RootElement,
            quantizer = outcome.Quantizer,
            codes_used = outcome.CodeUsage?.Count(u => u > 0),
            codebook_size = outcome.CodeUsage?.Length,
            report = Path.Combine(folder, "index.html"),
        };
        string text = JsonSerializer.Serialize(json, JsonOutput.Indented);
        Torch.AtomicFile.Write(Path.Combine(folder, "metrics.json"), s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)));
        return json;
    }
}
