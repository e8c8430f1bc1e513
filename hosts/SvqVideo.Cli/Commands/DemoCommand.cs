using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using TorchSharp;

namespace SvqVideo.Cli.Commands;

/// <summary>
/// <c>svqvideo demo</c>: the README's main job. Trains a small SimVP + SVQ on the bundled Moving-MNIST
/// digits within a few minutes, forecasts held-out sequences, scores them against copying the last frame,
/// and writes pictures and an HTML page.
/// </summary>
internal static class DemoCommand
{
    private static readonly Option<string> Out = new("--out") { Description = "Folder for the checkpoint, pictures, metrics.json and index.html", DefaultValueFactory = _ => "runs/demo" };
    private static readonly Option<string> Budget = new("--budget") { Description = "Training time budget (e.g. 90s, 3m)", DefaultValueFactory = _ => "3m" };
    private static readonly Option<string> Quantizer = new("--quantizer") { Description = "Quantizer plugin to use", DefaultValueFactory = _ => "svq" };
    private static readonly Option<int> TestClips = new("--test-clips") { Description = "Held-out sequences to score", DefaultValueFactory = _ => 64 };

    public static Command Create()
    {
        var cmd = new Command("demo", "Train a small SimVP+SVQ on bundled Moving-MNIST for a few minutes, forecast held-out clips, write metrics and pictures");
        cmd.Options.Add(Out);
        cmd.Options.Add(Budget);
        cmd.Options.Add(Quantizer);
        cmd.Options.Add(TestClips);
        cmd.SetAction((parse, ct) => Cli.RunAsync(parse, ctx => Task.FromResult(Run(ctx, parse, ct)), ct));
        return cmd;
    }

    private static int Run(CommandContext ctx, ParseResult parse, CancellationToken ct)
    {
        var device = ctx.InitTorch();
        string outDir = Path.GetFullPath(parse.GetValue(Out)!);
        var plan = RunPlan.Load("demo");
        plan.Set("training", "max_wall_time", parse.GetValue(Budget));
        plan.Set("dataset", "test_clips", parse.GetValue(TestClips));
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
        ctx.Ui.MarkupLine($"[grey]training on {train.Name} for {Markup.Escape(parse.GetValue(Budget)!)} ({Environment.ProcessorCount} cores, {torch.get_num_threads()} threads), validating on {validation.Count} clips[/]");
        var options = plan.TrainingOptions(ctx, outDir);
        var result = TrainingRunner.Run(ctx, model, train, validation, options, resume: false, "demo", ct);

        // Score the best checkpoint, not the last state.
        using var best = result.BestCheckpoint is { } bestPath ? ctx.LoadModel(bestPath) : null;
        var scored = best ?? model;
        ctx.Ui.MarkupLine($"[grey]forecasting {test.Count} held-out sequences (digits never seen in training)[/]");
        var outcome = EvalRunner.Run(scored, test, device, test.Count, 3, null, "LPIPS needs pretrained AlexNet weights; see 'svqvideo eval --lpips-weights'", 16, ct);
        var json = RunReport.Write(outDir, "SvqVideo demo: SimVP + SVQ on Moving-MNIST", $"{TrainCommand.Describe(scored)}; trained {result.Elapsed.TotalMinutes:F1} min, {result.EpochsCompleted} epochs, {result.Steps} steps; stopped: {result.Reason}.", outcome, result);

        if (ctx.Json)
        {
            ctx.Stdout.WriteLine(JsonSerializer.Serialize(json, JsonOutput.Compact));
        }
        else
        {
            ctx.Out.Write(MetricTables.Compare($"{test.Count} held-out Moving-MNIST sequences, {train.FramesIn} -> {train.FramesOut} frames", outcome.Columns("SimVP+" + q)));
            foreach (var (k, v) in outcome.Quantizer)
            {
                ctx.Out.MarkupLine($"{k}: {MetricTables.Format(v)}");
            }

            ctx.Out.MarkupLine($"checkpoint: {Markup.Escape(result.BestCheckpoint ?? "-")}");
            ctx.Out.MarkupLine($"report:     {Markup.Escape(Path.Combine(outDir, "index.html"))} (example0.png, forecast.gif, loss.png{(outcome.CodeUsage is null ? "" : ", codebook.png")})");
        }

        if (outcome.Verdict.Warning is { } warning)
        {
            ctx.Stderr.WriteLine($"svqvideo: warning: {warning}");
        }

        return ExitCodes.Success;
    }
}
