using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using SvqVideo.Cli.Reports;
using SvqVideo.Torch;
using SvqVideo.Training;

namespace SvqVideo.Cli.Commands;

/// <summary>
/// <c>svqvideo ab --quantizers none,svq,vq</c>: trains the same model with each quantizer on the same data and seeds for
/// the same number of optimisation steps (or epochs), scores every run's best checkpoint on the test split, and reports
/// mean ± std over seeds and each arm's paired difference to <c>none</c> with a 95 % interval. Wall time is only a guard.
/// </summary>
internal static class AbCommand
{
    public const long DefaultSteps = 300;
    private static readonly PlanOptions Plan = new();
    private static readonly Option<string> Quantizers = new("--quantizers") { Description = "Comma-separated quantizer plugins to compare (none = no quantizer)", DefaultValueFactory = _ => "none,svq" };
    private static readonly Option<string> Seeds = new("--seeds") { Description = "Comma-separated training seeds; each quantizer is trained once per seed (paired by seed; two or more give confidence intervals)", DefaultValueFactory = _ => "1,2,3" };
    private static readonly Option<long?> Steps = new("--steps") { Description = $"Optimisation steps per arm, the same for every arm (default {DefaultSteps}; or give --epochs)" };
    private static readonly Option<string> Out = new("--out") { Description = "Folder for the runs (<quantizer>-seed<N>/), ab.json, validation-loss.png and index.html", DefaultValueFactory = _ => "runs/ab" };
    private static readonly Option<int> ValClips = new("--val-clips") { Description = "Validate on the first N validation clips (0 = all)", DefaultValueFactory = _ => 0 };
    private static readonly Option<int> TestClips = new("--test-clips") { Description = "Score on the first N test clips (0 = all)", DefaultValueFactory = _ => 0 };

    public static Command Create()
    {
        var cmd = new Command("ab", $"A/B-test quantizers: train each on the same data and seeds for the same number of steps (--steps, default {DefaultSteps}) or epochs (--epochs) on the demo preset; --budget is only a wall-time guard per arm; score on the test split, report mean ± std and paired differences to none with 95% intervals");
        Plan.AddTo(cmd);
        foreach (var o in new Option[] { Quantizers, Seeds, Steps, Out, ValClips, TestClips })
        {
            cmd.Options.Add(o);
        }

        cmd.SetAction((parse, ct) => Cli.RunAsync(parse, ctx => Task.FromResult(Run(ctx, parse, ct)), ct));
        return cmd;
    }

    private static int Run(CommandContext ctx, ParseResult parse, CancellationToken ct)
    {
        if (parse.GetValue(Plan.Quantizer) is not null)
        {
            throw new CliException(ExitCodes.Usage, "ab compares the plugins named by --quantizers (e.g. --quantizers none,svq,vq); --quantizer is not used here");
        }

        var quantizers = ParseList(parse.GetValue(Quantizers)!, "--quantizers").Select(q => q.ToLowerInvariant()).Distinct().ToList();
        var seeds = ParseList(parse.GetValue(Seeds)!, "--seeds").Select(ParseSeed).Distinct().ToList();
        long? steps = parse.GetValue(Steps);
        if (steps is not null && parse.GetValue(Plan.Epochs) is not null)
        {
            throw new CliException(ExitCodes.Usage, "give --steps or --epochs, not both: every arm gets the same budget in one of them");
        }

        if (steps is <= 0)
        {
            throw new CliException(ExitCodes.Usage, $"--steps must be positive, got {steps}");
        }

        int valClips = parse.GetValue(ValClips);
        int testClips = parse.GetValue(TestClips);
        if (valClips < 0 || testClips < 0)
        {
            throw new CliException(ExitCodes.Usage, "--val-clips and --test-clips must be 0 (all) or positive");
        }

        string outDir = Path.GetFullPath(parse.GetValue(Out)!);
        var device = ctx.InitTorch();
        var catalog = ctx.Catalog();
        foreach (var q in quantizers.Where(q => q != "none"))
        {
            catalog.GetQuantizer(q);
        }

        // Everything that can be rejected is checked before the first run starts.
        var plans = quantizers.ToDictionary(q => q, q => PlanFor(parse, q, valClips));
        var basePlan = plans[quantizers[0]];
        double noise = RunPlan.Num(basePlan.Training, "noise_fraction", 0);
        string budget = parse.GetValue(Plan.Epochs) is int epochs ? $"{epochs} epochs" : $"{steps ?? DefaultSteps} steps";
        if (parse.GetValue(Plan.Budget) is { } guard)
        {
            budget += $" (wall-time guard {guard})";
        }
        foreach (var plan in plans.Values)
        {
            plan.TrainingOptions(ctx, outDir);
        }

        var (train, validation, test) = PlanDatasets.Open(basePlan, parse.GetValue(Plan.Data));
        int scored = testClips > 0 ? Math.Min(testClips, test.Count) : test.Count;
        var noisyTest = noise > 0 ? new NoisyContextClips(test, noise, ctx.Seed) : null;
        ctx.Ui.MarkupLine($"[bold]ab[/]: {quantizers.Count} quantizers x {seeds.Count} seeds = {quantizers.Count * seeds.Count} runs of {Markup.Escape(budget)} on {Markup.Escape(train.Name)} ({train.Count} clips); scoring {scored} clips of {Markup.Escape(test.Name)}{(noise > 0 ? $", also with input noise {noise:G3}" : "")}");

        Directory.CreateDirectory(outDir);
        var report = new AbReport(quantizers, seeds, budget, noise, test.Name, scored);
        var examples = new Dictionary<string, string>();
        const string lpipsReason = "ab does not compute LPIPS; run 'svqvideo eval --lpips-weights' on a run's best.safetensors";
        foreach (var q in quantizers)
        {
            foreach (int seed in seeds)
            {
                ct.ThrowIfCancellationRequested();
                var plan = plans[q];
                string folder = Path.Combine(outDir, $"{q}-seed{seed}");
                Directory.CreateDirectory(folder);
                AtomicFile.Write(Path.Combine(folder, "plan.json"), s => s.Write(System.Text.Encoding.UTF8.GetBytes(plan.ToJson())));
                Trainer.SeedTorch(seed);
                using var model = PlanModels.Build(plan, catalog, train);
                long parameters = model.Module.parameters().Sum(p => p.numel());
                ctx.Ui.MarkupLine($"[grey]{Markup.Escape(q)} seed {seed}: {Markup.Escape(TrainCommand.Describe(model))}[/]");
                var options = plan.TrainingOptions(ctx, folder) with { Seed = seed };
                var result = TrainingRunner.Run(ctx, model, train, validation, options, resume: false, $"{q} seed {seed}", ct);
                TrainingRunner.WriteLossCurves(Path.Combine(folder, "loss.png"), $"{q} seed {seed}: training and validation loss", [("run", result)]);

                using var best = result.BestCheckpoint is { } bestPath ? ctx.LoadModel(bestPath) : null;
                var scoredModel = best ?? model;
                var clean = EvalRunner.Run(scoredModel, test, device, scored, 1, null, lpipsReason, 16, ct);
                var noisy = noisyTest is null ? null : EvalRunner.Run(scoredModel, noisyTest, device, scored, 1, null, lpipsReason, 16, ct);
                report.Add(new AbReport.Run(q, seed, folder, parameters, result, clean, noisy));
                if (!examples.ContainsKey(q) && clean.Examples.Count > 0)
                {
                    string picture = $"example-{q}.png";
                    var e = (noisy ?? clean).Examples[0];
                    FrameImages.WriteStrip(Path.Combine(outDir, picture), e.Context, e.Truth, e.Prediction);
                    examples[q] = picture;
                }

                ctx.Ui.MarkupLine($"[grey]{Markup.Escape(q)} seed {seed}: best validation loss {MetricTables.Format(result.BestValidationLoss ?? double.NaN)}, test MSE {MetricTables.Format(clean.Model.Metrics[Metrics.MetricNames.Mse].Mean)}[/]");
            }
        }

        JsonObject json = report.Write(outDir, examples);
        if (ctx.Json)
        {
            ctx.Stdout.WriteLine(json.ToJsonString(JsonOutput.Compact));
        }
        else
        {
            ConsoleWidth.FromEnvironment(ctx.Out);
            ctx.Out.Write(report.ToTable());
            foreach (var line in report.SeparationLines())
            {
                ctx.Out.MarkupLine(Markup.Escape(line));
            }

            ctx.Out.MarkupLine($"plot:   {Markup.Escape(Path.Combine(outDir, "validation-loss.png"))}");
            ctx.Out.MarkupLine($"json:   {Markup.Escape(Path.Combine(outDir, "ab.json"))}");
            ctx.Out.MarkupLine($"report: {Markup.Escape(Path.Combine(outDir, "index.html"))}");
        }

        // Written reports first, then what a reader must not miss: arms that lose to a baseline (means over seeds).
        foreach (var warning in report.Warnings())
        {
            ctx.Stderr.WriteLine($"svqvideo: warning: ab: {warning}");
        }

        return ExitCodes.Success;
    }

    /// <summary>The resolved plan with <paramref name="quantizer"/> swapped in: another family drops the preset's family-specific settings; explicit generic options apply to every family.</summary>
    private static RunPlan PlanFor(ParseResult parse, string quantizer, int valClips)
    {
        var plan = Plan.Resolve(parse, "demo");

        // Equal budgets: a number of steps (or --epochs), no early stopping; wall time only guards (the schedule ignores it).
        plan.Training.Remove("max_wall_time");
        plan.Set("training", "max_wall_time", parse.GetValue(Plan.Budget));
        plan.Set("training", "wall_time_mode", "pause");
        plan.Set("training", "early_stopping_patience", 0);
        if (parse.GetValue(Plan.Epochs) is null)
        {
            plan.Set("training", "epochs", 1_000_000);
            plan.Set("training", "max_steps", parse.GetValue(Steps) ?? DefaultSteps);
        }

        if (valClips > 0)
        {
            plan.Set("training", "max_validation_clips", valClips);
        }

        if (!string.Equals(quantizer, RunPlan.Str(plan.Quantizer, "kind", ""), StringComparison.OrdinalIgnoreCase))
        {
            plan.Quantizer.Clear();
            plan.Set("quantizer", "kind", quantizer);
            plan.Set("quantizer", "codebook_size", parse.GetValue(Plan.CodebookSize));
            plan.Set("quantizer", "frozen", parse.GetValue(Plan.FrozenCodebook));
            plan.Set("quantizer", "init", parse.GetValue(Plan.CodebookInit));
            var extra = new JsonObject();
            foreach (var kv in parse.GetValue(Plan.QuantizerParams) ?? [])
            {
                int eq = kv.IndexOf('=', StringComparison.Ordinal);
                extra[kv[..eq].Trim()] = kv[(eq + 1)..].Trim();
            }

            if (extra.Count > 0)
            {
                plan.Quantizer["params"] = extra;
            }
        }

        return plan;
    }

    private static List<string> ParseList(string text, string option)
    {
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return items.Count > 0 ? items : throw new CliException(ExitCodes.Usage, $"{option} needs at least one comma-separated value");
    }

    private static int ParseSeed(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed)
            ? seed
            : throw new CliException(ExitCodes.Usage, $"--seeds: '{text}' is not an integer (write e.g. --seeds 1,2,3)");
}
