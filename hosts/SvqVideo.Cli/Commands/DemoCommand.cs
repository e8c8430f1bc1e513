using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using TorchSharp;

namespace SvqVideo.Cli.Commands;

/// <summary>
/// <c>svqvideo demo</c>: the README's first job. By default it scores the bundled pretrained SimVP + SVQ
/// checkpoint (made by <c>scripts/pretrain-demo.sh</c>) on held-out Moving-MNIST sequences, next to copying the
/// last frame and a blank frame, and writes pictures and an HTML page: motion in seconds. With
/// <c>--train 3m</c> it trains a small SimVP + SVQ from scratch for that long instead, then scores it the same way.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The bundled checkpoint's path relative to the CLI's own folder.</summary>
    public const string BundledCheckpoint = "models/demo-simvp-svq-mmnist.safetensors";

    private static readonly Option<string> Out = new("--out") { Description = "Folder for pictures, metrics.json and index.html (and, with --train, the checkpoints)", DefaultValueFactory = _ => "runs/demo" };
    private static readonly Option<string?> Train = new("--train") { Description = "Train from scratch for this long (e.g. 90s, 3m) instead of scoring the bundled pretrained checkpoint" };
    private static readonly Option<string?> CheckpointFile = new("--checkpoint") { Description = "Score this checkpoint instead of the bundled one (a 10 -> 10 frame 64x64 Moving-MNIST model)" };
    private static readonly Option<string> Quantizer = new("--quantizer") { Description = "Quantizer plugin to train with (with --train)", DefaultValueFactory = _ => "svq" };
    private static readonly Option<int> TestClips = new("--test-clips") { Description = "Held-out sequences to score (the bundled model's recorded figures use 1000)", DefaultValueFactory = _ => 256 };

    public static Command Create()
    {
        var cmd = new Command("demo", "Forecast held-out Moving-MNIST sequences with the bundled pretrained SimVP+SVQ (or train one with --train 3m), score it against copy-last-frame and a blank frame, write metrics and pictures");
        cmd.Options.Add(Out);
        cmd.Options.Add(Train);
        cmd.Options.Add(CheckpointFile);
        cmd.Options.Add(Quantizer);
        cmd.Options.Add(TestClips);
        cmd.SetAction((parse, ct) => Cli.RunAsync(parse, ctx => Task.FromResult(Run(ctx, parse, ct)), ct));
        return cmd;
    }

    private static int Run(CommandContext ctx, ParseResult parse, CancellationToken ct)
    {
        string? budget = parse.GetValue(Train);
        string? checkpoint = parse.GetValue(CheckpointFile);
        int testClips = parse.GetValue(TestClips);
        if (testClips < 1)
        {
            throw new CliException(ExitCodes.Usage, $"--test-clips must be at least 1 (got {testClips})");
        }

        if (budget is not null && checkpoint is not null)
        {
            throw new CliException(ExitCodes.Usage, "--train and --checkpoint exclude each other: train from scratch, or score a checkpoint");
        }

        if (budget is null && parse.GetResult(Quantizer) is { Implicit: false })
        {
            throw new CliException(ExitCodes.Usage, "--quantizer chooses what --train trains with; the bundled checkpoint is SimVP+SVQ (use 'svqvideo ab' to compare quantizers)");
        }

        var device = ctx.InitTorch();
        string outDir = Path.GetFullPath(parse.GetValue(Out)!);
        var plan = RunPlan.Load("demo");
        plan.Set("dataset", "test_clips", testClips);
        return budget is null
            ? Score(ctx, plan, checkpoint ?? Path.Combine(AppContext.BaseDirectory, BundledCheckpoint), checkpoint is null, outDir, device, ct)
            : TrainAndScore(ctx, parse, plan, budget, outDir, device, ct);
    }

    /// <summary>The default path: no training, the pretrained model forecasts the held-out sequences.</summary>
    private static int Score(CommandContext ctx, RunPlan plan, string checkpoint, bool bundled, string outDir, TorchSharp.torch.Device device, CancellationToken ct)
    {
        if (!File.Exists(checkpoint))
        {
            throw new CliException(ExitCodes.BadInput, bundled
                ? $"the bundled demo checkpoint is missing: {checkpoint} (rebuild with scripts/build.sh, or train one with 'svqvideo demo --train 3m')"
                : $"checkpoint not found: {checkpoint}");
        }

        var (_, _, test) = PlanDatasets.Open(plan, null);
        using var model = ctx.LoadModel(checkpoint);
        var c = model.Config;
        if (!EvalRunner.Takes(c, test))
        {
            throw new CliException(ExitCodes.BadInput, $"{checkpoint}: the demo needs a model of {test.FramesIn} context frames of {test.Channels}x{test.Height}x{test.Width} (Moving-MNIST), this one takes {c.FramesIn} frames of {c.Channels}x{c.Height}x{c.Width}; score it with 'svqvideo eval'");
        }

        Directory.CreateDirectory(outDir);
        string name = bundled ? "the bundled pretrained checkpoint" : Path.GetFileName(checkpoint);
        ctx.Ui.MarkupLine($"[bold]demo[/]: {Markup.Escape(name)}: {Markup.Escape(TrainCommand.Describe(model))}");
        ctx.Ui.MarkupLine($"[grey]forecasting {test.Count} held-out sequences (digits never seen in training)[/]");
        var outcome = EvalRunner.Run(model, test, device, test.Count, 3, null, "LPIPS needs pretrained AlexNet weights; see 'svqvideo eval --lpips-weights'", 16, ct);
        string how = bundled ? "pretrained by scripts/pretrain-demo.sh (see README, 'The bundled demo model')" : $"from {checkpoint}";
        var json = RunReport.Write(outDir, "SvqVideo demo: SimVP + SVQ on Moving-MNIST", $"{TrainCommand.Describe(model)}; {how}.", outcome, null);
        Print(ctx, json, outcome, test, TrainCommand.Describe(model), checkpoint, outDir);
        return ExitCodes.Success;
    }

    /// <summary>The <c>--train</c> path: a small SimVP + quantizer from scratch for the budget, then scored like the bundled one.</summary>
    private static int TrainAndScore(CommandContext ctx, ParseResult parse, RunPlan plan, string budget, string outDir, TorchSharp.torch.Device device, CancellationToken ct)
    {
        plan.Set("training", "max_wall_time", budget);
        string q = parse.GetValue(Quantizer)!.ToLowerInvariant();
        if (q != "svq")
        {
            plan.Quantizer.Clear();
            plan.Set("quantizer", "kind", q);
        }

        var (train, validation, test) = PlanDatasets.Open(plan, null);
        Directory.CreateDirectory(outDir);
        Torch.AtomicFile.Write(Path.Combine(outDir, "plan.json"), s => s.Write(System.Text.Encoding.UTF8.GetBytes(plan.ToJson())));
        using var model = PlanModels.Build(plan, ctx.Catalog(), train);
        ctx.Ui.MarkupLine($"[bold]demo[/]: {Markup.Escape(TrainCommand.Describe(model))}");
        ctx.Ui.MarkupLine($"[grey]training on {train.Name} for {Markup.Escape(budget)} ({Environment.ProcessorCount} cores, {torch.get_num_threads()} threads), validating on {validation.Count} clips[/]");
        var options = plan.TrainingOptions(ctx, outDir);
        var result = TrainingRunner.Run(ctx, model, train, validation, options, resume: false, "demo", ct);

        // Score the best checkpoint, not the last state.
        using var best = result.BestCheckpoint is { } bestPath ? ctx.LoadModel(bestPath) : null;
        var scored = best ?? model;
        ctx.Ui.MarkupLine($"[grey]forecasting {test.Count} held-out sequences (digits never seen in training)[/]");
        var outcome = EvalRunner.Run(scored, test, device, test.Count, 3, null, "LPIPS needs pretrained AlexNet weights; see 'svqvideo eval --lpips-weights'", 16, ct);
        var json = RunReport.Write(outDir, "SvqVideo demo: SimVP + SVQ on Moving-MNIST", $"{TrainCommand.Describe(scored)}; trained {result.Elapsed.TotalMinutes:F1} min, {result.EpochsCompleted} epochs, {result.Steps} steps; stopped: {result.Reason}.", outcome, result);

        Print(ctx, json, outcome, test, "SimVP+" + q, result.BestCheckpoint, outDir);
        return ExitCodes.Success;
    }

    private static void Print(CommandContext ctx, object json, EvalRunner.Outcome outcome, Datasets.IClipDataset test, string label, string? checkpoint, string outDir)
    {
        if (ctx.Json)
        {
            ctx.Stdout.WriteLine(JsonSerializer.Serialize(json, JsonOutput.Compact));
        }
        else
        {
            ctx.Out.Write(MetricTables.Compare($"{test.Count} held-out Moving-MNIST sequences, {test.FramesIn} -> {test.FramesOut} frames", outcome.Columns(label)));
            foreach (var (k, v) in outcome.Quantizer)
            {
                ctx.Out.MarkupLine($"{k}: {MetricTables.Format(v)}");
            }

            ctx.Out.MarkupLine($"checkpoint: {Markup.Escape(checkpoint ?? "-")}");
            ctx.Out.MarkupLine($"report:     {Markup.Escape(Path.Combine(outDir, "index.html"))} (example0.png, forecast.gif{(outcome.CodeUsage is null ? "" : ", codebook.png")})");
        }

        if (outcome.Verdict.Warning is { } warning)
        {
            ctx.Stderr.WriteLine($"svqvideo: warning: {warning}");
        }
    }
}
