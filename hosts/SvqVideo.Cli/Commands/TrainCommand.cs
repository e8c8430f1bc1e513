using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using SvqVideo.Torch;
using SvqVideo.Training;

namespace SvqVideo.Cli.Commands;

/// <summary><c>svqvideo train</c>: trains any translator with any quantizer plugin on any dataset reader.</summary>
internal static class TrainCommand
{
    private static readonly PlanOptions Plan = new();
    private static readonly Option<string> Out = new("--out") { Description = "Run folder for checkpoints (best/last), the JSON-lines log, plan.json and pictures", DefaultValueFactory = _ => "runs/train" };
    private static readonly Option<bool> Resume = new("--resume") { Description = "Continue from the run folder's newest complete checkpoint (model, optimizer, schedule, epoch and step, data position, RNG) with its plan.json; only --budget, --budget-mode, --backward-threads and --checkpoint-every may change" };
    private static readonly Option<string?> InitFrom = new("--init-from") { Description = "Fine-tune: start from this checkpoint's weights (its model and quantizer must be the plan's); the optimizer, schedule, epochs and data start fresh" };

    public static Command Create()
    {
        var cmd = new Command("train", "Train a forecasting model (SimVP + a quantizer plugin) on a dataset; presets hold the paper's settings");
        Plan.AddTo(cmd);
        cmd.Options.Add(Out);
        cmd.Options.Add(Resume);
        cmd.Options.Add(InitFrom);
        cmd.SetAction((parse, ct) => Cli.RunAsync(parse, ctx => Task.FromResult(Run(ctx, parse, ct)), ct));
        return cmd;
    }

    private static int Run(CommandContext ctx, ParseResult parse, CancellationToken ct)
    {
        string outDir = Path.GetFullPath(parse.GetValue(Out)!);
        bool resume = parse.GetValue(Resume);
        string? initFrom = parse.GetValue(InitFrom);
        if (initFrom is not null && resume)
        {
            throw new CliException(ExitCodes.Usage, "--init-from starts a new run from a checkpoint's weights and --resume continues a run folder; give one of them");
        }

        if (initFrom is not null && !File.Exists(initFrom))
        {
            throw new CliException(ExitCodes.BadInput, $"--init-from: no such checkpoint: {initFrom}");
        }

        if (resume)
        {
            CheckResumable(outDir);
        }

        var plan = resume && File.Exists(Path.Combine(outDir, "plan.json"))
            ? Plan.ResolveResume(parse, RunPlan.FromJson(File.ReadAllText(Path.Combine(outDir, "plan.json"))))
            : Plan.Resolve(parse, "mmnist");

        ctx.InitTorch();
        var (train, validation, _) = PlanDatasets.Open(plan, parse.GetValue(Plan.Data));
        using var model = PlanModels.Build(plan, ctx.Catalog(), train);
        if (initFrom is not null)
        {
            // Before anything is written: a checkpoint that does not fit leaves the run folder as it was.
            InitWeights(model, initFrom);
            ctx.Ui.MarkupLine($"[grey]starting from the weights of {Markup.Escape(initFrom)}[/]");
        }

        Directory.CreateDirectory(outDir);
        AtomicFile.Write(Path.Combine(outDir, "plan.json"), s => s.Write(System.Text.Encoding.UTF8.GetBytes(plan.ToJson())));

        var options = plan.TrainingOptions(ctx, outDir);
        ctx.Ui.MarkupLine($"[grey]training {Markup.Escape(Describe(model))} on {Markup.Escape(train.Name)} ({train.Count} clips, validation {validation.Count}) into {Markup.Escape(outDir)}[/]");
        var result = TrainingRunner.Run(ctx, model, train, validation, options, resume, "train", ct);
        TrainingRunner.WriteLossCurves(Path.Combine(outDir, "loss.png"), "training and validation loss", [("run", result)]);
        if (ctx.Json)
        {
            ctx.Stdout.WriteLine(JsonSerializer.Serialize(new
            {
                run = outDir,
                stop = result.Reason.ToString(),
                epochs = result.EpochsCompleted,
                steps = result.Steps,
                best_validation_loss = result.BestValidationLoss,
                best_epoch = result.BestEpoch,
                copy_last_frame_loss = result.BaselineLoss,
                best_checkpoint = result.BestCheckpoint,
                last_checkpoint = result.LastCheckpoint,
                checkpoints_written = result.CheckpointsWritten,
                checkpoint_seconds = result.CheckpointTime.TotalSeconds,
                last_checkpoint_bytes = LastBytes(result),
                seconds = result.Elapsed.TotalSeconds,
            }));
        }
        else
        {
            string validated = result.BestValidationLoss is null ? "not validated yet"
                : $"best validation loss {result.BestValidationLoss:F5} at epoch {result.BestEpoch}; copy-last-frame {result.BaselineLoss:F5}";
            ctx.Out.MarkupLine($"stopped: {result.Reason} after {result.EpochsCompleted} epochs ({result.Elapsed.TotalMinutes:F1} min); {validated}");
            ctx.Out.MarkupLine($"best checkpoint: {Markup.Escape(result.BestCheckpoint ?? "none")}");
            if (LastBytes(result) is long bytes)
            {
                ctx.Out.MarkupLine($"[grey]{result.CheckpointsWritten} checkpoint files written in {result.CheckpointTime.TotalSeconds:F1} s; last.safetensors is {bytes / 1e6:F1} MB[/]");
            }
        }

        if (result.Reason == StopReason.Cancelled)
        {
            // Stopped at a step boundary with complete checkpoints: say how to go on, and exit like an interrupted program.
            ctx.Stderr.WriteLine($"svqvideo: cancelled after {result.Steps} steps ({result.EpochsCompleted} epochs complete); {result.LastCheckpoint ?? "no checkpoint was written"} is complete (continue with: svqvideo train --out {outDir} --resume)");
            return ExitCodes.Cancelled;
        }

        return ExitCodes.Success;
    }

    /// <summary>Refuses, in one line, a <c>--resume</c> of a folder that holds no checkpoint to continue from.</summary>
    private static void CheckResumable(string outDir)
    {
        if (File.Exists(Path.Combine(outDir, Trainer.LastFileName)))
        {
            return;
        }

        if (File.Exists(Path.Combine(outDir, "plan.json")))
        {
            throw new CliException(ExitCodes.BadInput, $"--resume: the run in {outDir} stopped before its first checkpoint; start it again without --resume");
        }

        throw new CliException(ExitCodes.BadInput, $"--resume: {outDir} holds no training run (no plan.json, no {Trainer.LastFileName}); start one without --resume");
    }

    private static long? LastBytes(TrainingResult result) =>
        result.LastCheckpoint is { } last && File.Exists(last) ? new FileInfo(last).Length : null;

    /// <summary>Copies a checkpoint's model weights (not its training state) into the freshly built model, strictly.</summary>
    private static void InitWeights(IForecastModel model, string checkpoint)
    {
        CheckpointManifest manifest;
        Dictionary<string, TorchSharp.torch.Tensor> tensors;
        try
        {
            (manifest, tensors) = Checkpoint.Load(checkpoint);
        }
        catch (InvalidDataException e)
        {
            throw new CliException(ExitCodes.BadInput, $"--init-from: {e.Message}", e);
        }

        try
        {
            Checkpoint.LoadModelState(model.Module, tensors);
        }
        catch (InvalidDataException e)
        {
            var c = manifest.Model;
            string quantizer = manifest.Quantizer is { } q ? $"+ {q.Kind} (N={q.CodebookSize})" : "without quantizer";
            throw new CliException(ExitCodes.BadInput, $"--init-from {checkpoint}: its weights do not fit this run's model ({e.Message}); the checkpoint holds {c.Family} {c.GetString("model_type", "")} {quantizer} at {c.Channels}x{c.Height}x{c.Width}, give the run the same model and quantizer (e.g. the preset it was trained with)", e);
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    public static string Describe(IForecastModel model)
    {
        var c = model.Config;
        string q = model.Quantizer is { } quantizer ? $"+ {quantizer.Options.Kind} (N={quantizer.Options.CodebookSize})" : "without quantizer";
        long parameters = model.Module.parameters().Sum(p => p.numel());
        return $"{c.Family} {c.GetString("model_type", "")} {q}, {parameters / 1e6:F2} M parameters, {c.FramesIn}->{c.FramesOut} at {c.Channels}x{c.Height}x{c.Width}";
    }
}
