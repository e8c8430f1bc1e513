using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using SvqVideo.Torch;
using SvqVideo.Training;

namespace SvqVideo.Cli.Commands;

/// <summary>
/// <c>svqvideo forecast</c>: the next frames of mp4 files, from a trained checkpoint or from a model fitted on the
/// earlier part of the same video (<c>--fit</c>). The output video holds the context frames followed by the forecast.
/// </summary>
internal static class ForecastCommand
{
    /// <summary>
    /// <c>--fit-window</c>'s default: the last 300 frames before the forecast point (10 s at 30 fps), chosen by measurement
    /// (BENCHMARKS.md, "forecast --fit on long videos").
    /// </summary>
    internal const string DefaultFitWindow = "300";

    private static readonly Option<string> Input = new("--input", "-i") { Description = "A video (H.264/MPEG-4 mp4, avi, mkv), a folder of videos, or a glob like 'clips/*.mp4'", Required = true };
    private static readonly Option<string> Output = new("--output", "-o") { Description = "Output .mp4 (MPEG-4) or .avi (Motion JPEG) for one input, or a folder for several (.mp4 files), at the input's own frame size. .avi keeps any size exactly; MPEG-4 needs even sizes, so an odd width/height is padded by one column/row repeating the last: the top-left WxH is the forecast, and 'svqvideo metrics' compares exactly that part against the input", Required = true };
    private static readonly Option<string?> CheckpointPath = new("--checkpoint") { Description = "An SvqVideo checkpoint (from train/demo/import) or an exported .onnx model (from export)" };
    private static readonly Option<string?> Fit = new("--fit") { Description = "Instead of a checkpoint: first train on the earlier part of the same video; the whole fit and forecast of each video takes about this long (e.g. 90s, 5m)" };
    private static readonly Option<int?> Frames = new("--frames", "-n") { Description = "Frames to forecast (default: the model's horizon; more are rolled out autoregressively)" };
    private static readonly Option<int?> ContextEnd = new("--context-end") { Description = "Use the frames before this index as context (default: the end of the video); later frames serve as truth for --side-by-side and --strip" };
    private static readonly Option<string?> SideBySide = new("--side-by-side") { Description = "Also write an .mp4 with the real video (left) next to context + forecast (right)" };
    private static readonly Option<string?> Strip = new("--strip") { Description = "Also write a PNG strip: context | truth (when available) | forecast" };
    private static readonly Option<string?> SaveCheckpoint = new("--save-checkpoint") { Description = "With --fit: keep the fitted model at this path" };
    private static readonly Option<string> FitSize = new("--size") { Description = "With --fit: model frame size WxH", DefaultValueFactory = _ => "64x64" };
    private static readonly Option<int> FitFramesIn = new("--frames-in") { Description = "With --fit: context frames", DefaultValueFactory = _ => 10 };
    private static readonly Option<bool> FitGray = new("--gray") { Description = "With --fit: work in grayscale" };
    private static readonly Option<string> FitQuantizer = new("--quantizer") { Description = "With --fit: quantizer plugin (the model and training settings are the 'fit' preset's)", DefaultValueFactory = _ => "svq" };
    private static readonly Option<bool> FitResidual = new("--residual") { Description = "With --fit: residual forecasting (the model predicts the change from the last frame, so it starts as copy-last-frame); true or false", DefaultValueFactory = _ => true };
    private static readonly Option<bool?> FitWarp = new("--warp") { Description = "With --fit: the model also predicts where each pixel of the last frame moves (a flow field per forecast frame) and forecasts the last frame moved along it plus a change; needs --residual true; true or false (default: as --residual)" };
    private static readonly Option<string> FitFlowPrior = new("--flow-prior") { Description = "With --fit and --warp: each forecast step's flow starts from the last frame's own motion (estimated from the last two context frames without parameters) carried on at constant velocity, and the fit learns corrections to it; auto (on when carrying the motion on scores under 0.8 of copying the last frame's loss on the video's own training clips, checked before fitting), true or false", DefaultValueFactory = _ => "auto" };
    private static readonly Option<string> FullSize = new("--full-size") { Description = "How the forecast is written when the video is larger than the model's frame: change (the full-size last frame plus the upsampled predicted change) or motion (for a warping model, as --fit's: the full-size frame moved along the model's upsampled flow plus the upsampled rest of the change, which keeps moving detail sharp; measured in BENCHMARKS.md against change: better on 96x72 clips, worse on 160x128 ones)", DefaultValueFactory = _ => "change" };
    private static readonly Option<string> FitWindowOption = new("--fit-window") { Description = $"With --fit: how much of the video before the forecast point to fit on, as frames (300) or a duration (10s); earlier frames are not read (default {DefaultFitWindow})", DefaultValueFactory = _ => DefaultFitWindow };
    private static readonly Option<bool> FitDamping = new("--damping") { Description = "With --fit: scale each forecast step's predicted change by a factor in [0, 1] fitted on the held-out clips, so steps the model gets mostly wrong lean towards copying the last frame (off by default: measured, it helped some clips and hurt others); true or false", DefaultValueFactory = _ => false };

    public static Command Create()
    {
        var cmd = new Command("forecast", "Forecast the next frames of video files; writes context + forecast as mp4");
        foreach (var o in new Option[] { Input, Output, CheckpointPath, Fit, FitWindowOption, Frames, ContextEnd, SideBySide, Strip, SaveCheckpoint, FitSize, FitFramesIn, FitGray, FitQuantizer, FitResidual, FitWarp, FitFlowPrior, FitDamping, FullSize })
        {
            cmd.Options.Add(o);
        }

        cmd.SetAction((parse, ct) => Cli.RunAsync(parse, ctx => Task.FromResult(Run(ctx, parse, ct)), ct));
        return cmd;
    }

    private static int Run(CommandContext ctx, ParseResult parse, CancellationToken ct)
    {
        string? checkpoint = parse.GetValue(CheckpointPath);
        string? fit = parse.GetValue(Fit);
        if ((checkpoint is null) == (fit is null))
        {
            throw new CliException(ExitCodes.Usage, "give exactly one of --checkpoint <file> or --fit <duration>");
        }

        // Settings that are wrong or contradict each other are refused before any video is read.
        bool useMotion = UseMotion(parse.GetValue(FullSize));
        if (fit is not null)
        {
            FitFlowPriorSetting(FitWarpSetting(parse.GetValue(FitResidual), parse.GetValue(FitWarp)), parse.GetValue(FitFlowPrior));
        }

        var inputs = ExpandInputs(parse.GetValue(Input)!);
        string output = Path.GetFullPath(parse.GetValue(Output)!);
        bool many = inputs.Count > 1;
        if (many && !Directory.Exists(output))
        {
            throw new CliException(ExitCodes.Output, $"{inputs.Count} inputs need --output to be an existing folder: {output}");
        }

        if (!many && !output.EndsWith(".mp4", StringComparison.OrdinalIgnoreCase) && !output.EndsWith(".avi", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException(ExitCodes.Usage, $"--output must end in .mp4 (MPEG-4) or .avi (Motion JPEG): {output}");
        }

        if (!many && !Directory.Exists(Path.GetDirectoryName(output)))
        {
            throw new CliException(ExitCodes.Output, $"output folder does not exist: {Path.GetDirectoryName(output)}");
        }

        if (parse.GetValue(ContextEnd) is < 1)
        {
            throw new CliException(ExitCodes.Usage, $"--context-end must be at least 1, got {parse.GetValue(ContextEnd)}");
        }

        var device = ctx.InitTorch();
        var results = new List<JsonObject>();
        if (checkpoint is not null)
        {
            using var predictor = OpenPredictor(ctx, checkpoint, device);
            var m = predictor.Metadata;
            int horizon = parse.GetValue(Frames) ?? m.FramesOut;
            var forecastOptions = new ForecastOptions { Frames = horizon };
            // With --full-size motion, a model that forecasts by moving pixels hands over its flow for the full-size output.
            var motion = useMotion ? predictor.GetService<IMotionFramePredictor>() : null;
            foreach (var path in inputs)
            {
                // One video at a time, each read as the context (and the truth after it) alone.
                ct.ThrowIfCancellationRequested();
                var input = ForecastInput.Read(path, m.Channels, m.Width, m.Height, m.FramesIn, new FitWindow(m.FramesIn, null), horizon, parse.GetValue(ContextEnd));
                var forecast = motion is null ? new MotionForecast(predictor.Predict(input.Context, forecastOptions, ct)) : motion.PredictWithMotion(input.Context, forecastOptions, ct);
                results.Add(WriteOutputs(ctx, parse, input, forecast, output, many));
            }
        }
        else
        {
            TimeSpan budget;
            try
            {
                budget = DurationText.Parse(fit!);
            }
            catch (FormatException e)
            {
                throw new CliException(ExitCodes.Usage, $"--fit: {e.Message}");
            }

            int framesIn = parse.GetValue(FitFramesIn);
            var window = ForecastInput.ParseWindow(parse.GetValue(FitWindowOption)!, framesIn + Math.Min(parse.GetValue(Frames) ?? framesIn, framesIn) + 1);

            // The budget is each video's whole fit-and-forecast; the first video's clock starts with the process.
            var started = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();
            foreach (var input in inputs)
            {
                ct.ThrowIfCancellationRequested();
                results.Add(FitAndForecast(ctx, parse, input, output, many, useMotion, window, device, budget, started, ct));
                started = DateTime.UtcNow;
            }
        }

        if (ctx.Json)
        {
            JsonNode json = results.Count == 1 ? results[0] : new JsonArray([.. results]);
            ctx.Stdout.WriteLine(json.ToJsonString(JsonOutput.Compact));
        }

        return ExitCodes.Success;
    }

    private static IFramePredictor OpenPredictor(CommandContext ctx, string checkpoint, TorchSharp.torch.Device device) =>
        PredictorFiles.Open(ctx, checkpoint, device.ToString());

    /// <summary>Writes one input's outputs: the forecast video, and the side-by-side video and strip when asked for.</summary>
    private static JsonObject WriteOutputs(CommandContext ctx, ParseResult parse, ForecastInput input, MotionForecast forecast, string output, bool many)
    {
        string stem = Path.GetFileNameWithoutExtension(input.Path);
        string target = many ? Path.Combine(output, stem + ".forecast.mp4") : output;
        string? side = parse.GetValue(SideBySide) is { } s ? (many ? Path.Combine(output, stem + ".side-by-side.mp4") : Path.GetFullPath(s)) : null;
        string? strip = parse.GetValue(Strip) is { } p ? (many ? Path.Combine(output, stem + ".strip.png") : Path.GetFullPath(p)) : null;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var json = ForecastOutputs.Write(ctx, input, forecast, target, side, strip);
        json["read_seconds"] = Math.Round(input.ReadTime.TotalSeconds, 2);
        json["write_seconds"] = Math.Round(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, 2);
        // The process's high-water mark so far: with several inputs, the largest of them and everything before.
        json["peak_memory_mib"] = ProcessMemory.PeakMiB();
        return json;
    }

    /// <summary>
    /// The training share of a <c>--fit</c> budget: what is left after <paramref name="spent"/> (start-up, decoding), less a
    /// reserve for what follows training (held-out scoring, the forecast, encoding), 12 % of the budget within 5–30 s.
    /// Measured before this rule (2m fits on a loaded 2-core machine): 131–144 s end to end when training alone had 2m.
    /// </summary>
    internal static TimeSpan FitTraining(TimeSpan budget, TimeSpan spent)
    {
        var reserve = TimeSpan.FromSeconds(Math.Clamp(budget.TotalSeconds * 0.12, 5, 30));
        var left = budget - spent - reserve;
        var floor = TimeSpan.FromSeconds(Math.Min(5, budget.TotalSeconds / 2));
        return left > floor ? left : floor;
    }

    /// <summary><c>--full-size</c>: whether a larger video's forecast is written by moving the full-size frame along the model's flow.</summary>
    /// <exception cref="CliException">Usage: neither <c>change</c> nor <c>motion</c>.</exception>
    internal static bool UseMotion(string? fullSize) => fullSize?.Trim().ToLowerInvariant() switch
    {
        "change" => false,
        "motion" => true,
        _ => throw new CliException(ExitCodes.Usage, $"--full-size must be change or motion, not '{fullSize}'"),
    };

    /// <summary>
    /// <c>--warp</c>'s effective value: as given, or when left out the same as <c>--residual</c> (warping is on by default and
    /// needs residual forecasting, so <c>--residual false</c> alone turns both off).
    /// </summary>
    /// <exception cref="CliException">Usage: <c>--warp true</c> with <c>--residual false</c>.</exception>
    internal static bool FitWarpSetting(bool residual, bool? warp)
    {
        if (warp == true && !residual)
        {
            throw new CliException(ExitCodes.Usage, "--warp true needs --residual true: the warped frame is the last frame moved along the predicted flow");
        }

        return warp ?? residual;
    }

    /// <summary>
    /// <c>--flow-prior</c>'s effective value: <c>true</c> or <c>false</c> as given, <c>false</c> whenever warping is off
    /// (the prior is a flow), or <see langword="null"/> for <c>auto</c> with warping: decided by <see cref="FlowPriorCheck"/>.
    /// </summary>
    /// <exception cref="CliException">Usage: a value other than auto, true or false, or <c>true</c> without warping.</exception>
    internal static bool? FitFlowPriorSetting(bool warp, string? flowPrior)
    {
        bool? value = flowPrior?.Trim().ToLowerInvariant() switch
        {
            null or "auto" => null,
            "true" => true,
            "false" => false,
            _ => throw new CliException(ExitCodes.Usage, $"--flow-prior must be auto, true or false, got '{flowPrior}'"),
        };
        if (value == true && !warp)
        {
            throw new CliException(ExitCodes.Usage, "--flow-prior true needs --warp true: the prior is a flow the last frame is moved along");
        }

        return warp ? value : false;
    }

    private static JsonObject FitAndForecast(CommandContext ctx, ParseResult parse, string path, string output, bool many, bool useMotion, FitWindow window, TorchSharp.torch.Device device, TimeSpan fitBudget, DateTime started, CancellationToken ct)
    {
        var (width, height) = Sizes.Parse(parse.GetValue(FitSize)!);
        int channels = parse.GetValue(FitGray) ? 1 : 3;
        int framesIn = parse.GetValue(FitFramesIn);
        int horizon = parse.GetValue(Frames) ?? framesIn;
        int framesOut = Math.Min(horizon, framesIn);
        var input = ForecastInput.Read(path, channels, width, height, framesIn, window, horizon, parse.GetValue(ContextEnd));
        var video = input.Before;
        int clipLength = framesIn + framesOut;
        int clips = video.Frames - clipLength + 1;
        if (clips < 2)
        {
            throw new CliException(ExitCodes.BadInput, $"{path} is too short to --fit: it has {input.Window.End} frames before the forecast point, training needs at least {clipLength + 1}");
        }

        // Earlier clips train, the latest ones validate (the model must extrapolate forward in time).
        int validation = Math.Max(1, clips / 10);
        var trainSet = new InMemoryClips($"{Path.GetFileName(path)}/train", video, framesIn, framesOut, Enumerable.Range(0, clips - validation));
        var valSet = new InMemoryClips($"{Path.GetFileName(path)}/validation", video, framesIn, framesOut, Enumerable.Range(clips - validation, validation));
        var plan = RunPlan.Load("fit");
        if (!string.Equals(parse.GetValue(FitQuantizer), RunPlan.Str(plan.Quantizer, "kind", ""), StringComparison.OrdinalIgnoreCase))
        {
            plan.Quantizer.Clear();
            plan.Set("quantizer", "kind", parse.GetValue(FitQuantizer));
        }

        bool residual = parse.GetValue(FitResidual);
        bool warp = FitWarpSetting(residual, parse.GetValue(FitWarp));
        plan.Set("model", "residual", residual);
        plan.Set("model", "warp", warp);
        bool? flowPrior = FitFlowPriorSetting(warp, parse.GetValue(FitFlowPrior));

        plan.Set("training", "max_wall_time", parse.GetValue(Fit));
        plan.Set("training", "batch_size", Math.Min(RunPlan.Int(plan.Training, "batch_size", 8), trainSet.Count));
        var work = Directory.CreateTempSubdirectory("svqvideo-fit-");
        try
        {
            // The plugins first: a missing plugin folder is the one line the user sees, before any work.
            var catalog = ctx.Catalog();
            var options = plan.TrainingOptions(ctx, work.FullName);

            // auto: carry the video's motion on only where that clearly beats copying the last frame on its own training clips.
            var priorCheck = flowPrior is null && framesIn >= 2 ? FlowPriorCheck.Run(trainSet, options, 0, ct) : null;
            flowPrior ??= priorCheck?.PriorHelps ?? false;
            plan.Set("model", "flow_prior", flowPrior);

            using var model = PlanModels.Build(plan, catalog, trainSet);

            // Training gets what is left of the budget after everything so far (start-up, reading, the prior check).
            var budget = FitTraining(fitBudget, DateTime.UtcNow - started);
            options = options with { MaxWallTime = budget };
            if (!ctx.Json)
            {
                ctx.Ui.MarkupLine($"[grey]fitting {Markup.Escape(TrainCommand.Describe(model))} on {trainSet.Count} clips of {Markup.Escape(path)} (frames {input.Window.Start}-{input.Window.End - 1}) for {budget.TotalSeconds:F0} s of the --fit budget[/]");
                if (priorCheck is not null)
                {
                    ctx.Ui.MarkupLine($"[grey]flow prior {(flowPrior.Value ? "on" : "off")}: carrying the last frame's motion on scores {priorCheck.PriorLoss:G4} against copy-last-frame's {priorCheck.CopyLastLoss:G4} on {priorCheck.Clips} training clips (on below {FlowPriorVerdict.RequiredRatio:G2} of it)[/]");
                }
            }

            var result = TrainingRunner.Run(ctx, model, trainSet, valSet, options, resume: false, "fit", ct);
            var best = ctx.LoadModel(result.BestCheckpoint ?? result.LastCheckpoint ?? throw new CliException(ExitCodes.Failure, "fitting produced no checkpoint"));
            if (parse.GetValue(SaveCheckpoint) is { } keep && !many)
            {
                File.Copy(result.BestCheckpoint ?? result.LastCheckpoint!, Path.GetFullPath(keep), overwrite: true);
            }

            // Scored on the clip's own held-out tail (the latest clips, never trained on), next to both baselines.
            int evalBatch = Math.Min(8, valSet.Count);
            var heldOut = EvalRunner.Run(best, valSet, device, valSet.Count, 0, null, "not computed for --fit", evalBatch, ct);

            // Damping is fitted on the same held-out clips, so its own score there flatters it: it is reported beside the
            // plain model's, and the baseline verdict stays the plain model's.
            var damping = parse.GetValue(FitDamping) ? ForecastDamping.Fit(best, valSet, options.ChromaWeight, new EvaluationOptions { BatchSize = evalBatch }, ct) : null;
#pragma warning disable CA2000 // The predictor below owns the wrapper (and through it the fitted model) and disposes it.
            IForecastModel forecaster = damping is null ? best : new DampedForecastModel(best, damping);
#pragma warning restore CA2000
            using var predictor = new TorchFramePredictor(forecaster, device, typeof(ForecastCommand).Assembly.GetName().Version?.ToString() ?? "0");
            var damped = damping is null ? null : EvalRunner.Run(forecaster, valSet, device, valSet.Count, 0, null, "not computed for --fit", evalBatch, ct);
            var forecastOptions = new ForecastOptions { Frames = horizon };
            var forecast = useMotion ? predictor.PredictWithMotion(input.Context, forecastOptions, ct) : new MotionForecast(predictor.Predict(input.Context, forecastOptions, ct));
            var json = WriteOutputs(ctx, parse, input, forecast, output, many);
            json["fit"] = new JsonObject
            {
                ["steps"] = result.Steps,
                ["seconds"] = result.Elapsed.TotalSeconds,
                ["stop"] = result.Reason.ToString(),
                ["residual"] = residual,
                ["warp"] = warp,
                ["flow_prior"] = flowPrior.Value,
                ["flow_prior_check"] = priorCheck is null ? null : new JsonObject
                {
                    ["constant_velocity_loss"] = priorCheck.PriorLoss,
                    ["copy_last_loss"] = priorCheck.CopyLastLoss,
                    ["clips"] = priorCheck.Clips,
                },
                ["size"] = $"{width}x{height}",
                ["window"] = new JsonObject
                {
                    ["start"] = input.Window.Start,
                    ["end"] = input.Window.End,
                    ["frames"] = video.Frames,
                    ["seeked"] = input.Window.Seeked,
                },
                ["damping"] = damping is null ? null : new JsonArray([.. damping.Scales.Select(v => JsonValue.Create(Math.Round(v, 4)))]),
                ["loss"] = new JsonObject
                {
                    ["kind"] = options.Loss.ToString().ToLowerInvariant(),
                    ["chroma_weight"] = options.ChromaWeight,
                    ["horizon_weighting"] = options.HorizonWeighting,
                },
            };
            json["held_out"] = HeldOutJson(heldOut, valSet.Count);
            if (damped is not null)
            {
                json["held_out"]!["damped_model"] = JsonNode.Parse(damped.Model.ToJson());
            }

            if (!ctx.Json)
            {
                var columns = heldOut.Columns("fitted model").ToList();
                if (damped is not null)
                {
                    columns.Insert(1, ("damped (fitted here)", damped.Model));
                }

                ctx.Out.Write(MetricTables.Compare($"{Path.GetFileName(path)}: the fitted model on its {valSet.Count} held-out clips (the latest), {framesIn} -> {framesOut} frames", columns));
                if (damping is not null)
                {
                    ctx.Out.MarkupLine($"[grey]damping per forecast step (fitted on these held-out clips, so its column flatters it): {string.Join(' ', damping.Scales.Select(v => v.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}[/]");
                }
            }

            if (heldOut.Verdict.Warning is { } warning)
            {
                ctx.Stderr.WriteLine($"svqvideo: warning: {Path.GetFileName(path)}: {warning} on its held-out clips");
            }

            return json;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static JsonObject HeldOutJson(EvalRunner.Outcome outcome, int clips)
    {
        var json = outcome.Verdict.ToJson();
        json["clips"] = clips;
        json["model"] = JsonNode.Parse(outcome.Model.ToJson());
        json["copy_last_frame"] = JsonNode.Parse(outcome.CopyLast.ToJson());
        json["blank_frame"] = JsonNode.Parse(outcome.Blank.ToJson());
        return json;
    }

    /// <summary>A file, a folder (its videos) or a glob in the last path segment.</summary>
    private static List<string> ExpandInputs(string input)
    {
        string[] extensions = [".mp4", ".avi", ".mkv", ".mov", ".m4v", ".webm"];
        if (File.Exists(input))
        {
            return [Path.GetFullPath(input)];
        }

        if (Directory.Exists(input))
        {
            var found = Directory.GetFiles(input).Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).OrderBy(f => f, StringComparer.Ordinal).ToList();
            return found.Count > 0 ? found : throw new CliException(ExitCodes.BadInput, $"no videos in folder {input}");
        }

        string dir = Path.GetDirectoryName(input) is { Length: > 0 } d ? d : ".";
        string pattern = Path.GetFileName(input);
        if (pattern.Contains('*', StringComparison.Ordinal) || pattern.Contains('?', StringComparison.Ordinal))
        {
            var found = Directory.Exists(dir) ? Directory.GetFiles(dir, pattern).OrderBy(f => f, StringComparer.Ordinal).ToList() : [];
            return found.Count > 0 ? found : throw new CliException(ExitCodes.BadInput, $"no files match {input}");
        }

        throw new CliException(ExitCodes.BadInput, $"video not found: {input}");
    }
}
