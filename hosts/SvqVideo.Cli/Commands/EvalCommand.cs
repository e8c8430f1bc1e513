using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using SvqVideo.Datasets;
using SvqVideo.Torch;
using TorchSharp;

namespace SvqVideo.Cli.Commands;

/// <summary>
/// <c>svqvideo eval --checkpoint best.safetensors</c>: scores a checkpoint and the copy-last-frame baseline on a
/// dataset's test split (the dataset of the run's <c>plan.json</c> unless told otherwise) and writes pictures,
/// <c>metrics.json</c> and <c>index.html</c>.
/// </summary>
internal static class EvalCommand
{
    private static readonly Option<string> CheckpointPath = new("--checkpoint") { Description = "An SvqVideo checkpoint (best.safetensors from train/demo/ab, or one made by import) or an exported .onnx model", Required = true };
    private static readonly Option<string?> Preset = new("--preset") { Description = "Take the dataset from this preset (or JSON plan file) instead of the plan.json beside the checkpoint" };
    private static readonly Option<string?> Dataset = new("--dataset") { Description = "Dataset kind: mmnist, kth, human, kitticaltech, videos" };
    private static readonly Option<string?> Data = new("--data") { Description = "Dataset folder (or, for mmnist, an optional MNIST IDX file)" };
    private static readonly Option<int?> FramesIn = new("--frames-in") { Description = "Context frames (default: the model's; must equal it)" };
    private static readonly Option<int?> FramesOut = new("--frames-out") { Description = "Frames to score (default: the plan's, else the model's horizon; more than the model's horizon are rolled out)" };
    private static readonly Option<string?> Size = new("--size") { Description = "Frame size WxH of video datasets (must equal the model's)" };
    private static readonly Option<string?> Out = new("--out") { Description = "Folder for pictures, metrics.json and index.html (default: 'eval' beside the checkpoint)" };
    private static readonly Option<int> MaxClips = new("--max-clips") { Description = "Score only the first N test clips (0 = all)", DefaultValueFactory = _ => 0 };
    private static readonly Option<int> Examples = new("--examples") { Description = "Example strips to draw", DefaultValueFactory = _ => 3 };
    private static readonly Option<int> BatchSize = new("--batch-size") { Description = "Clips per forward pass", DefaultValueFactory = _ => 16 };
    private static readonly Option<string?> LpipsWeights = new("--lpips-weights") { Description = "LPIPS weights: a folder with alexnet-owt-7be5be79.pth and alex.pth, or one converted .safetensors file (default: $SVQ_LPIPS_WEIGHTS)" };

    public static Command Create()
    {
        var cmd = new Command("eval", "Score a checkpoint on a dataset's test split against copying the last frame: MSE/MAE (both conventions), SSIM (both), PSNR, LPIPS, codebook diagnostics");
        foreach (var o in new Option[] { CheckpointPath, Preset, Dataset, Data, FramesIn, FramesOut, Size, Out, MaxClips, Examples, BatchSize, LpipsWeights })
        {
            cmd.Options.Add(o);
        }

        cmd.SetAction((parse, ct) => Cli.RunAsync(parse, ctx => Task.FromResult(Run(ctx, parse, ct)), ct));
        return cmd;
    }

    private static int Run(CommandContext ctx, ParseResult parse, CancellationToken ct)
    {
        string checkpoint = Path.GetFullPath(parse.GetValue(CheckpointPath)!);
        int maxClips = parse.GetValue(MaxClips);
        int examples = parse.GetValue(Examples);
        int batchSize = parse.GetValue(BatchSize);
        if (maxClips < 0 || examples < 0 || batchSize < 1)
        {
            throw new CliException(ExitCodes.Usage, "--max-clips and --examples must be 0 or positive, --batch-size positive");
        }

        var device = ctx.InitTorch();
        using var subject = EvalSubject.Open(ctx, checkpoint, device);
        var (plan, planSource) = DatasetPlan(parse, checkpoint, subject.Config);
        var (_, _, test) = PlanDatasets.Open(plan, parse.GetValue(Data));
        CheckShape(checkpoint, subject.Config, test, planSource);

        var lpipsLocation = parse.GetValue(LpipsWeights);
        bool lpipsOk = Metrics.LpipsWeights.TryLoad(lpipsLocation, out var lpips, out var lpipsReason);
        if (!lpipsOk && lpipsLocation is not null)
        {
            throw new CliException(ExitCodes.BadInput, $"--lpips-weights {lpipsLocation}: {lpipsReason}");
        }

        using var lpipsModule = lpips;
        lpipsModule?.to(device);

        string outDir = Path.GetFullPath(parse.GetValue(Out) ?? Path.Combine(Path.GetDirectoryName(checkpoint)!, "eval"));
        int clips = maxClips > 0 ? Math.Min(maxClips, test.Count) : test.Count;
        ctx.Ui.MarkupLine($"[grey]scoring {Markup.Escape(subject.Description)} on {clips} clips of {Markup.Escape(test.Name)} (dataset from {Markup.Escape(planSource)})[/]");
        var outcome = EvalRunner.Run(subject, test, device, clips, examples, lpipsModule, lpipsOk ? null : lpipsReason, batchSize, ct);
        ct.ThrowIfCancellationRequested();

        string description = $"{subject.Description}; checkpoint {checkpoint}; {clips} clips of {test.Name}, {test.FramesIn} -> {test.FramesOut} frames.";
        var report = RunReport.Write(outDir, $"SvqVideo eval: {Path.GetFileName(checkpoint)}", description, outcome, null);
        if (ctx.Json)
        {
            var json = JsonSerializer.SerializeToNode(report, JsonOutput.Compact)!.AsObject();
            json["checkpoint"] = checkpoint;
            json["dataset"] = test.Name;
            json["dataset_from"] = planSource;
            json["clips"] = clips;
            json["frames_in"] = test.FramesIn;
            json["frames_out"] = test.FramesOut;
            json["model_description"] = subject.Description;
            ctx.Stdout.WriteLine(json.ToJsonString(JsonOutput.Compact));
        }
        else
        {
            ConsoleWidth.FromEnvironment(ctx.Out);
            ctx.Out.Write(MetricTables.Compare($"{clips} clips of {test.Name}, {test.FramesIn} -> {test.FramesOut} frames", outcome.Columns(subject.Label)));
            foreach (var (k, v) in outcome.Quantizer)
            {
                ctx.Out.MarkupLine($"{Markup.Escape(k)}: {MetricTables.Format(v)}");
            }

            ctx.Out.MarkupLine($"report: {Markup.Escape(Path.Combine(outDir, "index.html"))}");
        }

        if (outcome.Verdict.Warning is { } warning)
        {
            ctx.Stderr.WriteLine($"svqvideo: warning: {warning}");
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// The dataset to score on: <c>--preset</c> when given, else the run's <c>plan.json</c> beside the checkpoint,
    /// else Moving-MNIST; explicit options override; frames default to the model's when no plan.json is used.
    /// </summary>
    private static (RunPlan Plan, string Source) DatasetPlan(ParseResult parse, string checkpoint, ModelConfig config)
    {
        string beside = Path.Combine(Path.GetDirectoryName(checkpoint)!, "plan.json");
        RunPlan plan;
        string source;
        if (parse.GetValue(Preset) is { } preset)
        {
            plan = RunPlan.Load(preset);
            source = $"preset {preset}";
        }
        else if (File.Exists(beside))
        {
            try
            {
                plan = RunPlan.FromJson(File.ReadAllText(beside));
            }
            catch (JsonException e)
            {
                throw new CliException(ExitCodes.BadInput, $"{beside} is not valid JSON ({e.Message}); delete it or pass --preset");
            }

            source = beside;
        }
        else
        {
            plan = RunPlan.Load("mmnist");
            source = "preset mmnist (no plan.json beside the checkpoint)";
        }

        if (source != beside)
        {
            plan.Set("dataset", "frames_in", config.FramesIn);
            plan.Set("dataset", "frames_out", config.FramesOut);
        }

        plan.Set("dataset", "kind", parse.GetValue(Dataset));
        plan.Set("dataset", "frames_in", parse.GetValue(FramesIn));
        plan.Set("dataset", "frames_out", parse.GetValue(FramesOut));
        if (parse.GetValue(Size) is { } size)
        {
            var (w, h) = Sizes.Parse(size);
            plan.Set("dataset", "width", w);
            plan.Set("dataset", "height", h);
        }

        return (plan, source);
    }

    private static void CheckShape(string checkpoint, ModelConfig config, IClipDataset test, string planSource)
    {
        if (!EvalRunner.Takes(config, test))
        {
            throw new CliException(
                ExitCodes.BadInput,
                $"{checkpoint} expects {config.FramesIn} context frames of {config.Channels}x{config.Height}x{config.Width} (CxHxW), but {test.Name} " +
                $"(from {planSource}) gives {test.FramesIn} frames of {test.Channels}x{test.Height}x{test.Width}; choose the model's dataset with --preset/--dataset/--size/--frames-in");
        }
    }
}
