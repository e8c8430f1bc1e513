using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using SvqVideo.Cli.Reports;
using SvqVideo.Metrics;
using SvqVideo.Training;

namespace SvqVideo.Cli;

/// <summary>
/// The result of an A/B test of quantizers: one <see cref="Run"/> per (quantizer, seed), summarised as mean ± sample
/// standard deviation over seeds per quantizer and as the paired difference of each arm to the reference arm
/// (<c>none</c> when it runs, else the first) with a 95 % confidence interval, next to the copy-last-frame and blank-frame
/// baselines; written as <c>ab.json</c>, a validation-loss PNG and <c>index.html</c>.
/// </summary>
internal sealed class AbReport
{
    /// <summary>The summary columns: (JSON key, table header, number format; "M" shows millions).</summary>
    private static readonly (string Key, string Header, string Format)[] Columns =
    [
        ("validation_loss", "val loss", "G4"),
        (MetricNames.Mse, "MSE", "F2"),
        (MetricNames.Mae, "MAE", "F2"),
        (MetricNames.Ssim, "SSIM", "F4"),
        (MetricNames.Psnr, "PSNR", "F2"),
        ("train_seconds", "train s", "F0"),
        ("parameters", "params (M)", "M"),
    ];

    private static readonly string[] RunMetrics = [MetricNames.Mse, MetricNames.Mae, MetricNames.PixelMse, MetricNames.PixelMae, MetricNames.Ssim, MetricNames.SsimWang, MetricNames.Psnr];

    private readonly List<Run> _runs = [];

    public AbReport(IReadOnlyList<string> quantizers, IReadOnlyList<int> seeds, string budget, double noise, string dataset, int testClips)
    {
        Quantizers = quantizers;
        Seeds = seeds;
        Budget = budget;
        Noise = noise;
        Dataset = dataset;
        TestClips = testClips;
    }

    /// <summary>One trained and scored model: its best checkpoint's scores on the clean test clips and, with <c>--noise</c>, on noisy ones (else null).</summary>
    internal sealed record Run(string Quantizer, int Seed, string Folder, long Parameters, TrainingResult Training, EvalRunner.Outcome Clean, EvalRunner.Outcome? Noisy);

    public IReadOnlyList<string> Quantizers { get; }

    public IReadOnlyList<int> Seeds { get; }

    public string Budget { get; }

    public double Noise { get; }

    public string Dataset { get; }

    public int TestClips { get; }

    public IReadOnlyList<Run> Runs => _runs;

    /// <summary>The arm the others are compared with, seed by seed: <c>none</c> when it runs, else the first.</summary>
    public string Reference => Quantizers.Contains("none") ? "none" : Quantizers[0];

    /// <summary>The paired difference (arm − reference, per seed) of a column, with its 95 % interval.</summary>
    public PairedDifference Paired(string quantizer, string key)
    {
        var differences = new List<double>();
        foreach (var run in _runs.Where(r => r.Quantizer == quantizer))
        {
            if (_runs.FirstOrDefault(r => r.Quantizer == Reference && r.Seed == run.Seed) is { } reference
                && Value(run, key) is double a && Value(reference, key) is double b)
            {
                differences.Add(a - b);
            }
        }

        return PairedDifference.Of(differences);
    }

    public void Add(Run run) => _runs.Add(run);

    /// <summary>
    /// The paired validation-loss difference (arm − reference, seed by seed) at every training length both runs of each
    /// seed were validated at: how long a run must be before the arms differ (<see cref="SeparationCurve"/>).
    /// </summary>
    public IReadOnlyList<SeparationCurve.Point> Separation(string quantizer)
    {
        static IReadOnlyList<(long Steps, double Loss)> Curve(Run r) =>
            [.. r.Training.History.Where(e => e.ValidationLoss is not null).Select(e => (e.GlobalStep, e.ValidationLoss!.Value))];
        var pairs = new List<(IReadOnlyList<(long Steps, double Loss)> Arm, IReadOnlyList<(long Steps, double Loss)> Reference)>();
        foreach (var run in _runs.Where(r => r.Quantizer == quantizer))
        {
            if (_runs.FirstOrDefault(r => r.Quantizer == Reference && r.Seed == run.Seed) is { } reference)
            {
                pairs.Add((Curve(run), Curve(reference)));
            }
        }

        return SeparationCurve.Of(pairs);
    }

    /// <summary>The arms compared with the reference: every quantizer but the reference that has a run, in <see cref="Quantizers"/> order.</summary>
    private IEnumerable<string> ComparedArms => Quantizers.Where(q => q != Reference && _runs.Any(r => r.Quantizer == q));

    /// <summary>One line per arm but the reference: from how many steps on its validation loss stays separated from the reference's.</summary>
    public IEnumerable<string> SeparationLines()
    {
        foreach (var q in ComparedArms)
        {
            var points = Separation(q);
            if (points.Count == 0)
            {
                continue;
            }

            var last = points[^1];
            string at = $"{q} − {Reference}, validation loss over {points.Count} validations up to step {last.Steps}";
            yield return last.Difference.Pairs < 2
                ? $"{at}: one seed, no interval (give --seeds 1,2,3 to see when the arms separate)"
                : SeparationCurve.SeparatedFrom(points) is long from
                    ? $"{at}: {(last.Difference.Mean < 0 ? "lower" : "higher")}, separated (95 %) from step {from} on"
                    : $"{at}: not separated at the last validation ({last.Difference.Format("G3")})";
        }
    }

    /// <summary>Mean and sample standard deviation (null for a single value) of a column over one quantizer's runs.</summary>
    public (double Mean, double? Std, int N) Stat(string quantizer, string key)
    {
        var values = _runs.Where(r => r.Quantizer == quantizer).Select(r => Value(r, key)).Where(v => v is not null).Select(v => v!.Value).ToList();
        if (values.Count == 0)
        {
            return (double.NaN, null, 0);
        }

        double mean = values.Average();
        double? std = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : null;
        return (mean, std, values.Count);
    }

    /// <summary>The table for people: one row per quantizer plus the copy-last-frame baseline.</summary>
    public Table ToTable()
    {
        var table = new Table().Title(Markup.Escape($"A/B on {Dataset}: {TestClips} test clips, seeds {string.Join(",", Seeds)}, budget {Budget} per run{(Noise > 0 ? $", noise η={Noise:G3}" : "")}"));
        foreach (var header in Header())
        {
            table.AddColumn(new TableColumn(Markup.Escape(header)).RightAligned());
        }

        foreach (var row in Rows())
        {
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }

        table.Caption(Markup.Escape($"mean ± sample std over seeds; Δ MSE: the arm minus {Reference}, seed by seed, mean [95% t interval] (an interval without 0 separates the arms); MSE/MAE are OpenSTL's per-frame sums; SSIM is OpenSTL's; val loss is the training loss on validation clips"));
        return table;
    }

    /// <summary>Writes the validation-loss PNG, ab.json and index.html into <paramref name="folder"/>; returns the JSON.</summary>
    public JsonObject Write(string folder, IReadOnlyDictionary<string, string> examplePictures)
    {
        string plot = Path.Combine(folder, "validation-loss.png");
        var series = new Dictionary<string, IReadOnlyList<(double X, double Y)>>();
        foreach (var r in _runs)
        {
            series[$"{r.Quantizer} seed {r.Seed}"] = r.Training.History.Where(e => e.ValidationLoss is not null).Select(e => ((double)e.Epoch, e.ValidationLoss!.Value)).ToList();
        }

        if (_runs.Select(r => r.Training.BaselineLoss).FirstOrDefault(b => b is not null) is { } baseline)
        {
            int last = Math.Max(1, _runs.Max(r => r.Training.History.Count == 0 ? 1 : r.Training.History[^1].Epoch));
            series["copy-last-frame"] = [(1.0, baseline), (last, baseline)];
        }

        Charts.WriteCurves(plot, "validation loss per run", "validation loss", series);

        var html = new HtmlReport("SvqVideo A/B test of quantizers")
            .Paragraph($"Quantizers {string.Join(", ", Quantizers)} trained on the same data ({Dataset}) with seeds {string.Join(", ", Seeds)} and a budget of {Budget} each"
                + (Noise > 0 ? $"; noise injection η = {Noise:G3} in training, and the 'noisy' columns score test inputs corrupted the same way." : ".")
                + " Every run's best checkpoint (lowest validation loss) is scored on the test split.")
            .Heading($"Summary (mean ± sample std over seeds; Δ = the arm minus {Reference}, seed by seed, with a 95 % t interval)")
            .Table(Header(), Rows());
        foreach (var warning in Warnings())
        {
            html.Paragraph($"Warning: {warning}.");
        }

        html.Heading("Runs")
            .Table(["quantizer", "seed", "stop", "epochs", "steps", "best val loss", "MSE", "MAE", "SSIM", "PSNR", "train s", "folder"], _runs.Select(r => (IReadOnlyList<string>)
            [
                r.Quantizer, r.Seed.ToString(CultureInfo.InvariantCulture), r.Training.Reason.ToString(), r.Training.EpochsCompleted.ToString(CultureInfo.InvariantCulture),
                r.Training.Steps.ToString(CultureInfo.InvariantCulture), Fmt(r.Training.BestValidationLoss, "G4"), Fmt(Value(r, MetricNames.Mse), "F2"), Fmt(Value(r, MetricNames.Mae), "F2"),
                Fmt(Value(r, MetricNames.Ssim), "F4"), Fmt(Value(r, MetricNames.Psnr), "F2"), Fmt(r.Training.Elapsed.TotalSeconds, "F0"), Path.GetFileName(r.Folder),
            ]))
            .Heading("Validation loss")
            .Image("validation-loss.png", "validation loss of every run by epoch, with the copy-last-frame loss");
        var arms = ComparedArms.ToList();
        if (arms.Count > 0)
        {
            html.Heading($"How long must a run be? Validation loss of each arm minus {Reference}, seed by seed, mean [95 % t interval], by optimiser steps");
            foreach (var line in SeparationLines())
            {
                html.Paragraph(line + ".");
            }

            var curves = arms.ToDictionary(q => q, q => Separation(q).ToDictionary(p => p.Steps, p => p.Difference));
            var steps = curves.Values.SelectMany(c => c.Keys).Distinct().Order();
            html.Table(["steps", .. arms.Select(q => $"{q} − {Reference}")], [.. steps.Select(st => (IReadOnlyList<string>)
                [st.ToString(CultureInfo.InvariantCulture), .. arms.Select(q => curves[q].TryGetValue(st, out var d) ? d.Format("G3") + (d.Separated ? " *" : "") : "-")])]);
        }
        if (examplePictures.Count > 0)
        {
            html.Heading("Examples (context | truth | prediction | |error|), first seed");
            foreach (var (quantizer, picture) in examplePictures)
            {
                html.Image(picture, quantizer);
            }
        }

        string page = Path.Combine(folder, "index.html");
        html.Write(page);

        var json = ToJson();
        json["plot"] = plot;
        json["report"] = page;
        string text = json.ToJsonString(JsonOutput.Indented);
        Torch.AtomicFile.Write(Path.Combine(folder, "ab.json"), s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)));
        return json;
    }

    /// <summary>
    /// Each arm's mean test MSE over its seeds against the two baselines (the same test clips for every run), in
    /// <see cref="Quantizers"/> order; empty before the first run.
    /// </summary>
    public IReadOnlyList<(string Quantizer, BaselineVerdict Verdict)> Verdicts()
    {
        var first = _runs.FirstOrDefault();
        if (first is null)
        {
            return [];
        }

        double copyLast = first.Clean.CopyLast.Metrics[MetricNames.Mse].Mean, blank = first.Clean.Blank.Metrics[MetricNames.Mse].Mean;
        return [.. Quantizers.Where(q => _runs.Any(r => r.Quantizer == q))
            .Select(q => (q, new BaselineVerdict(Stat(q, MetricNames.Mse).Mean, copyLast, blank)))];
    }

    /// <summary>
    /// What a reader must not miss, one line each: every arm that loses to a baseline (by its mean MSE over seeds), and,
    /// when no arm beats a blank frame, that the differences between arms say nothing yet (see <see cref="PlateauWarning"/>).
    /// </summary>
    public IEnumerable<string> Warnings()
    {
        var verdicts = Verdicts();
        foreach (var (q, verdict) in verdicts)
        {
            if (verdict.Warning is { } warning)
            {
                yield return $"{q}: {warning} (mean over its seeds)";
            }
        }

        if (PlateauWarning(verdicts) is { } plateau)
        {
            yield return plateau;
        }
    }

    /// <summary>
    /// When no arm beats a blank frame, every arm is still on the plateau models cross first, and the differences
    /// between arms say nothing about the quantizers; null otherwise.
    /// </summary>
    private string? PlateauWarning(IReadOnlyList<(string Quantizer, BaselineVerdict Verdict)> verdicts) =>
        verdicts.Count > 0 && verdicts.All(v => !v.Verdict.BeatsBlank)
            ? $"no arm beats a blank frame yet ({Budget}), so the differences between arms say nothing about the quantizers; give every arm more --steps"
            : null;

    private JsonObject ToJson()
    {
        var verdictList = Verdicts();
        var verdicts = verdictList.ToDictionary(v => v.Quantizer, v => v.Verdict, StringComparer.Ordinal);
        var summary = new JsonArray();
        foreach (var q in Quantizers)
        {
            var entry = new JsonObject
            {
                ["quantizer"] = q,
                ["runs"] = _runs.Count(r => r.Quantizer == q),
                ["steps"] = new JsonArray([.. _runs.Where(r => r.Quantizer == q).Select(r => (JsonNode)r.Training.Steps)]),
                ["stopped_by_wall_time_guard"] = _runs.Count(r => r.Quantizer == q && r.Training.Reason == StopReason.TimeBudget),
            };
            if (verdicts.TryGetValue(q, out var verdict))
            {
                entry["baselines"] = verdict.ToJson();
            }

            if (q != Reference)
            {
                var paired = new JsonObject();
                foreach (var key in new[] { MetricNames.Mse, MetricNames.Mae, MetricNames.Ssim, MetricNames.Psnr, "validation_loss" })
                {
                    var d = Paired(q, key);
                    paired[key] = new JsonObject { ["mean"] = d.Mean, ["ci95_low"] = d.Low, ["ci95_high"] = d.High, ["pairs"] = d.Pairs, ["separated"] = d.Separated };
                }

                entry[$"minus_{Reference}"] = paired;
                var separation = Separation(q);
                entry["validation_separation"] = new JsonObject
                {
                    ["separated_from_step"] = SeparationCurve.SeparatedFrom(separation),
                    ["by_steps"] = new JsonArray([.. separation.Select(p => (JsonNode)new JsonObject
                    {
                        ["steps"] = p.Steps,
                        ["mean"] = p.Difference.Mean,
                        ["ci95_low"] = p.Difference.Low,
                        ["ci95_high"] = p.Difference.High,
                        ["pairs"] = p.Difference.Pairs,
                        ["separated"] = p.Difference.Separated,
                    })]),
                };
            }

            foreach (var key in SummaryKeys())
            {
                var (mean, std, n) = Stat(q, key);
                if (n > 0)
                {
                    entry[key] = new JsonObject { ["mean"] = mean, ["std"] = std };
                }
            }

            summary.Add(entry);
        }

        var first = _runs.FirstOrDefault();
        var baseline = new JsonObject();
        if (first is not null)
        {
            baseline["validation_loss"] = first.Training.BaselineLoss;
            baseline["test"] = Means(first.Clean.CopyLast);
            if (first.Noisy is { } noisy)
            {
                baseline["noisy_test"] = Means(noisy.CopyLast);
            }
        }

        var blank = new JsonObject();
        if (first is not null)
        {
            blank["test"] = Means(first.Clean.Blank);
            if (first.Noisy is { } noisy)
            {
                blank["noisy_test"] = Means(noisy.Blank);
            }
        }

        var runs = new JsonArray();
        foreach (var r in _runs)
        {
            var run = new JsonObject
            {
                ["quantizer"] = r.Quantizer,
                ["seed"] = r.Seed,
                ["folder"] = r.Folder,
                ["checkpoint"] = r.Training.BestCheckpoint,
                ["stop"] = r.Training.Reason.ToString(),
                ["epochs"] = r.Training.EpochsCompleted,
                ["steps"] = r.Training.Steps,
                ["train_seconds"] = r.Training.Elapsed.TotalSeconds,
                ["parameters"] = r.Parameters,
                ["best_validation_loss"] = r.Training.BestValidationLoss,
                ["best_epoch"] = r.Training.BestEpoch,
                ["validation_curve"] = new JsonArray(r.Training.History.Where(e => e.ValidationLoss is not null)
                    .Select(e => (JsonNode)new JsonObject { ["epoch"] = e.Epoch, ["steps"] = e.GlobalStep, ["loss"] = e.ValidationLoss }).ToArray()),
                ["test"] = Means(r.Clean.Model),
                ["quantizer_diagnostics"] = new JsonObject(r.Clean.Quantizer.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            };
            if (r.Noisy is { } noisy)
            {
                run["noisy_test"] = Means(noisy.Model);
            }

            runs.Add(run);
        }

        return new JsonObject
        {
            ["quantizers"] = new JsonArray(Quantizers.Select(q => (JsonNode)q).ToArray()),
            ["seeds"] = new JsonArray(Seeds.Select(s => (JsonNode)s).ToArray()),
            ["budget"] = Budget,
            ["noise"] = Noise,
            ["dataset"] = Dataset,
            ["test_clips"] = TestClips,
            ["summary"] = summary,
            ["reference"] = Reference,
            ["copy_last_frame"] = baseline,
            ["blank_frame"] = blank,
            ["warning"] = PlateauWarning(verdictList),
            ["runs"] = runs,
        };
    }

    private IEnumerable<string> SummaryKeys()
    {
        var keys = Columns.Select(c => c.Key).Concat(RunMetrics).Distinct();
        return Noise > 0 ? keys.Concat(RunMetrics.Select(m => "noisy_" + m)) : keys;
    }

    private IReadOnlyList<string> Header()
    {
        var header = new List<string> { "quantizer", "runs" };
        header.AddRange(Columns.Select(c => c.Header));
        header.Insert(header.IndexOf("MSE") + 1, $"Δ MSE vs {Reference} (95% CI)");
        if (Noise > 0)
        {
            header.Insert(header.IndexOf("train s"), "noisy MSE");
        }

        return header;
    }

    private List<IReadOnlyList<string>> Rows()
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var q in Quantizers)
        {
            var cells = new List<string> { q, _runs.Count(r => r.Quantizer == q).ToString(CultureInfo.InvariantCulture) };
            foreach (var (key, _, format) in Columns)
            {
                if (key == "train_seconds" && Noise > 0)
                {
                    cells.Add(MeanStd(Stat(q, "noisy_" + MetricNames.Mse), "F2"));
                }

                cells.Add(MeanStd(Stat(q, key), format));
                if (key == MetricNames.Mse)
                {
                    cells.Add(q == Reference ? "-" : Paired(q, MetricNames.Mse).Format("F2"));
                }
            }

            rows.Add(cells);
        }

        if (_runs.FirstOrDefault() is { } first)
        {
            rows.Add(BaselineRow("copy last frame", first.Clean.CopyLast, first.Noisy?.CopyLast, first.Training.BaselineLoss));
            rows.Add(BaselineRow("blank frame", first.Clean.Blank, first.Noisy?.Blank, null));
        }

        return rows;
    }

    private List<string> BaselineRow(string name, MetricReport clean, MetricReport? noisy, double? validationLoss)
    {
        var cells = new List<string> { name, "-" };
        foreach (var (key, _, format) in Columns)
        {
            if (key == "train_seconds" && Noise > 0)
            {
                cells.Add(noisy is { } n ? Fmt(n.Metrics[MetricNames.Mse].Mean, "F2") : "-");
            }

            cells.Add(key switch
            {
                "validation_loss" => Fmt(validationLoss, format),
                "train_seconds" or "parameters" => "-",
                _ => clean.Metrics.TryGetValue(key, out var v) ? Fmt(v.Mean, format) : "-",
            });
            if (key == MetricNames.Mse)
            {
                cells.Add("-");
            }
        }

        return cells;
    }

    private static double? Value(Run r, string key)
    {
        const string noisyPrefix = "noisy_";
        return key switch
        {
            "validation_loss" => r.Training.BestValidationLoss,
            "train_seconds" => r.Training.Elapsed.TotalSeconds,
            "parameters" => r.Parameters,
            _ when key.StartsWith(noisyPrefix, StringComparison.Ordinal) =>
                r.Noisy is { } n && n.Model.Metrics.TryGetValue(key[noisyPrefix.Length..], out var s) ? s.Mean : null,
            _ => r.Clean.Model.Metrics.TryGetValue(key, out var m) ? m.Mean : null,
        };
    }

    private static JsonObject Means(MetricReport report) =>
        new(report.Metrics.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value.Mean)));

    private static string MeanStd((double Mean, double? Std, int N) s, string format) =>
        s.N == 0 ? "-" : s.Std is { } std ? $"{Fmt(s.Mean, format)} ± {Fmt(std, format)}" : Fmt(s.Mean, format);

    private static string Fmt(double? v, string format) =>
        v is not { } x ? "-" : double.IsPositiveInfinity(x) ? "+inf" : double.IsNaN(x) ? "n/a"
            : format == "M" ? (x / 1e6).ToString("F2", CultureInfo.InvariantCulture) : x.ToString(format, CultureInfo.InvariantCulture);
}
