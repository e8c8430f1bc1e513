using System.CommandLine;

namespace SvqVideo.Cli;

/// <summary>The command-line overrides of a <see cref="RunPlan"/>: every hyper-parameter of the paper's Table 10.</summary>
internal sealed class PlanOptions
{
    public Option<string?> Preset { get; } = new("--preset") { Description = "Preset name (demo, mmnist, kth, human, kitticaltech, videos) or a JSON file" };
    public Option<string?> Dataset { get; } = new("--dataset") { Description = "Dataset kind: mmnist, kth, human, kitticaltech, videos" };
    public Option<string?> Data { get; } = new("--data") { Description = "Dataset folder (KTH/Human3.6M layout, a folder of videos or one video; for mmnist an optional MNIST IDX file)" };
    public Option<int?> FramesIn { get; } = new("--frames-in") { Description = "Context frames T_in" };
    public Option<int?> FramesOut { get; } = new("--frames-out") { Description = "Frames to forecast T_out" };
    public Option<string?> Size { get; } = new("--size") { Description = "Frame size WxH, e.g. 64x64 (video datasets)" };
    public Option<string?> Translator { get; } = new("--translator") { Description = "SimVP translator (model_type): gSTA, IncepU, convmixer, poolformer, van, hornet, moga, uniformer, tau, convnext, mlp" };
    public Option<int?> HidS { get; } = new("--hid-s") { Description = "Spatial hidden channels hid_S" };
    public Option<int?> HidT { get; } = new("--hid-t") { Description = "Translator hidden channels hid_T" };
    public Option<int?> NS { get; } = new("--n-s") { Description = "Encoder/decoder layers N_S" };
    public Option<int?> NT { get; } = new("--n-t") { Description = "Translator blocks N_T" };
    public Option<double?> MlpRatio { get; } = new("--mlp-ratio") { Description = "MLP ratio of MetaFormer blocks" };
    public Option<double?> Drop { get; } = new("--drop") { Description = "Dropout rate" };
    public Option<double?> DropPath { get; } = new("--drop-path") { Description = "Stochastic depth rate (training only)" };
    public Option<bool?> Residual { get; } = new("--residual") { Description = "Residual forecasting: predict the change from the last context frame (an untrained model forecasts that frame); true or false" };
    public Option<double?> WarpScale { get; } = new("--warp-scale") { Description = "With --warp: pixels of displacement per unit of the decoder's flow output (default 4; larger lets a short run reach large motions in fewer steps; 16 measured no better than 4 for forecast --fit, BENCHMARKS.md)" };

    public Option<bool?> FlowPrior { get; } = new("--flow-prior") { Description = "With --warp: each forecast step's flow starts from the last context frame's own motion (estimated from the last two context frames, no parameters) extrapolated at constant velocity, and training learns corrections; true or false" };

    public Option<bool?> Warp { get; } = new("--warp") { Description = "With --residual: the decoder also predicts a flow per forecast frame, and each forecast is the last context frame moved along it plus the change; true or false" };
    public Option<string?> Quantizer { get; } = new("--quantizer") { Description = "Quantizer plugin: svq, vq, rvq, lfq, fsq or none" };
    public Option<int?> CodebookSize { get; } = new("--codebook-size") { Description = "Codebook size N" };
    public Option<bool?> FrozenCodebook { get; } = new("--frozen-codebook") { Description = "Freeze the codebook" };
    public Option<string?> CodebookInit { get; } = new("--codebook-init") { Description = "Codebook init: kaiming, normal, xavier, sparse, trunc_normal, orthogonal" };
    public Option<string?> Placement { get; } = new("--quantizer-placement") { Description = "pre (between encoder and translator, default) or post (after the translator)" };
    public Option<string[]> QuantizerParams { get; } = new("--quantizer-param") { Description = "Family-specific quantizer setting name=value (repeatable), e.g. decay=0.8", AllowMultipleArgumentsPerToken = false };
    public Option<int?> Epochs { get; } = new("--epochs") { Description = "Maximum epochs" };
    public Option<int?> BatchSize { get; } = new("--batch-size") { Description = "Batch size" };
    public Option<double?> Lr { get; } = new("--lr") { Description = "Learning rate (OneCycle: the maximum)" };
    public Option<string?> Optimizer { get; } = new("--optimizer") { Description = "adam or adamw" };
    public Option<double?> WeightDecay { get; } = new("--weight-decay") { Description = "Weight decay" };
    public Option<string?> Schedule { get; } = new("--schedule") { Description = "onecycle, cosine or constant" };
    public Option<int?> WarmupEpochs { get; } = new("--warmup-epochs") { Description = "Cosine warm-up epochs" };
    public Option<double?> ClipGrad { get; } = new("--clip-grad") { Description = "Gradient-norm clipping (0 = off)" };
    public Option<string?> Loss { get; } = new("--loss") { Description = "l1 (the paper's) or l2" };
    public Option<double?> ChromaWeight { get; } = new("--chroma-weight") { Description = "How much colour errors count against brightness (BT.601 luma) errors in the loss, in [0, 1]; 1 (default) is the plain loss over R, G, B" };
    public Option<bool?> HorizonWeighting { get; } = new("--horizon-weighting") { Description = "Weigh each forecast step by the inverse of copy-last-frame's loss at that step, so near steps count as much as far ones; true or false" };
    public Option<double?> Noise { get; } = new("--noise") { Description = "Noise injection η: fraction of input values multiplied by U(-2,2) in training" };
    public Option<int?> Patience { get; } = new("--patience") { Description = "Early-stopping patience (epochs without a better validation loss)" };
    public Option<string?> Budget { get; } = new("--budget") { Description = "Wall-time budget, e.g. 90s, 5m, 1h30m; the learning-rate schedule is planned over the steps that fit (see --budget-mode)" };
    public Option<string?> BudgetMode { get; } = new("--budget-mode") { Description = "plan (default: the schedule warms up, peaks and anneals within the budget) or pause (keep the configured schedule; stop when the budget is spent and continue later with --resume)" };
    public Option<string?> CheckpointEvery { get; } = new("--checkpoint-every") { Description = "How often a resumable checkpoint is written inside an epoch: a duration (default 5m; e.g. 30s, 1h), a step count (e.g. 500steps) or epoch (only at epoch ends); a crash loses at most this much training" };
    public Option<int?> BackwardThreads { get; } = new("--backward-threads") { Description = "Threads of the backward pass (default: --threads; 1 on AMD processors where oneDNN is not capped at SSE4.1, because its multi-threaded convolution backward pass is faulty there in libtorch 2.10; see docs/training.md)" };
    public Option<int?> TrainClips { get; } = new("--train-clips") { Description = "Moving-MNIST: training clips" };
    public Option<int?> MaxStepsPerEpoch { get; } = new("--max-steps-per-epoch") { Description = "Cap on steps per epoch (0 = a full pass)" };

    public void AddTo(Command command)
    {
        foreach (var o in All())
        {
            command.Options.Add(o);
        }
    }

    public RunPlan Resolve(ParseResult p, string defaultPreset)
    {
        var plan = RunPlan.Load(p.GetValue(Preset) ?? defaultPreset);
        plan.Set("dataset", "kind", p.GetValue(Dataset));
        plan.Set("dataset", "frames_in", p.GetValue(FramesIn));
        plan.Set("dataset", "frames_out", p.GetValue(FramesOut));
        plan.Set("dataset", "train_clips", p.GetValue(TrainClips));
        if (p.GetValue(Size) is { } size)
        {
            var (w, h) = Sizes.Parse(size);
            plan.Set("dataset", "width", w);
            plan.Set("dataset", "height", h);
        }

        plan.Set("model", "model_type", p.GetValue(Translator));
        plan.Set("model", "hid_S", p.GetValue(HidS));
        plan.Set("model", "hid_T", p.GetValue(HidT));
        plan.Set("model", "N_S", p.GetValue(NS));
        plan.Set("model", "N_T", p.GetValue(NT));
        plan.Set("model", "mlp_ratio", p.GetValue(MlpRatio));
        plan.Set("model", "drop", p.GetValue(Drop));
        plan.Set("model", "drop_path", p.GetValue(DropPath));
        plan.Set("model", "quantizer_placement", p.GetValue(Placement));
        plan.Set("model", "residual", p.GetValue(Residual));
        // Warping needs residual forecasting, so --residual false alone also turns off a preset's warp.
        plan.Set("model", "warp", p.GetValue(Warp) ?? (p.GetValue(Residual) == false ? false : null));
        plan.Set("model", "warp_scale", p.GetValue(WarpScale));
        // The prior is a flow, so turning warping off also turns off a preset's prior.
        plan.Set("model", "flow_prior", p.GetValue(FlowPrior) ?? (p.GetValue(Warp) == false || p.GetValue(Residual) == false ? false : null));
        if (p.GetValue(Quantizer) is { } q && !string.Equals(q, RunPlan.Str(plan.Quantizer, "kind", ""), StringComparison.OrdinalIgnoreCase))
        {
            // Another family: drop the preset's family-specific settings, keep the generic ones.
            plan.Quantizer.Clear();
            plan.Set("quantizer", "kind", q.ToLowerInvariant());
        }

        plan.Set("quantizer", "codebook_size", p.GetValue(CodebookSize));
        plan.Set("quantizer", "frozen", p.GetValue(FrozenCodebook));
        plan.Set("quantizer", "init", p.GetValue(CodebookInit));
        foreach (var kv in p.GetValue(QuantizerParams) ?? [])
        {
            int eq = kv.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new CliException(ExitCodes.Usage, $"--quantizer-param expects name=value, got '{kv}'");
            }

            if (plan.Quantizer["params"] is not System.Text.Json.Nodes.JsonObject extra)
            {
                extra = [];
                plan.Quantizer["params"] = extra;
            }

            extra[kv[..eq].Trim()] = kv[(eq + 1)..].Trim();
        }

        // The training section is TrainingOptions JSON: each flag sets the option of the same name.
        plan.Set("training", "epochs", p.GetValue(Epochs));
        plan.Set("training", "batch_size", p.GetValue(BatchSize));
        plan.Set("training", "learning_rate", p.GetValue(Lr));
        plan.Set("training", "optimizer", p.GetValue(Optimizer)?.ToLowerInvariant());
        plan.Set("training", "weight_decay", p.GetValue(WeightDecay));
        plan.Set("training", "schedule", p.GetValue(Schedule)?.ToLowerInvariant());
        plan.Set("training", "warmup_epochs", p.GetValue(WarmupEpochs));
        plan.Set("training", "gradient_clip_norm", p.GetValue(ClipGrad));
        plan.Set("training", "loss", p.GetValue(Loss)?.ToLowerInvariant());
        plan.Set("training", "chroma_weight", p.GetValue(ChromaWeight));
        plan.Set("training", "horizon_weighting", p.GetValue(HorizonWeighting));
        plan.Set("training", "noise_fraction", p.GetValue(Noise));
        plan.Set("training", "early_stopping_patience", p.GetValue(Patience));
        plan.Set("training", "max_wall_time", p.GetValue(Budget));
        plan.Set("training", "wall_time_mode", p.GetValue(BudgetMode)?.ToLowerInvariant());
        plan.Set("training", "max_steps_per_epoch", p.GetValue(MaxStepsPerEpoch));
        plan.Set("training", "backward_threads", p.GetValue(BackwardThreads));
        plan.Set("training", "checkpoint_every", CheckedInterval(p));
        return plan;
    }

    /// <summary>
    /// The plan a resumed run continues with: the run folder's saved <paramref name="saved"/> plan, with the options that
    /// only steer how long and on what the run goes on applied on top (<c>--budget</c>, <c>--budget-mode</c>,
    /// <c>--backward-threads</c>, <c>--checkpoint-every</c>, and <c>--data</c> for a dataset that moved): the options the trainer lets a resumed run change. Any other plan option on the command line would silently not
    /// apply, since the saved model, data and optimiser state fix it, so it is refused with one line naming it.
    /// </summary>
    public RunPlan ResolveResume(ParseResult p, RunPlan saved)
    {
        var steering = new HashSet<Option> { Budget, BudgetMode, BackwardThreads, CheckpointEvery, Data };
        var fixedByRun = All().Where(o => !steering.Contains(o) && p.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
        if (fixedByRun.Count > 0)
        {
            throw new CliException(ExitCodes.Usage, $"--resume continues the run folder's plan.json, which fixes {string.Join(", ", fixedByRun)}; leave {(fixedByRun.Count == 1 ? "it" : "them")} out (a resumed run may change only --budget, --budget-mode, --backward-threads and --checkpoint-every; the epochs and the schedule are part of the saved optimiser state)");
        }

        saved.Set("training", "max_wall_time", p.GetValue(Budget));
        saved.Set("training", "wall_time_mode", p.GetValue(BudgetMode)?.ToLowerInvariant());
        saved.Set("training", "backward_threads", p.GetValue(BackwardThreads));
        saved.Set("training", "checkpoint_every", CheckedInterval(p));
        return saved;
    }

    /// <summary>The <c>--checkpoint-every</c> text, checked before anything is loaded (null when not given).</summary>
    private string? CheckedInterval(ParseResult p)
    {
        string? text = p.GetValue(CheckpointEvery);
        try
        {
            return text is null ? null : SvqVideo.Training.CheckpointInterval.Parse(text).ToString();
        }
        catch (FormatException e)
        {
            throw new CliException(ExitCodes.Usage, $"--checkpoint-every: {e.Message}");
        }
    }

    private IEnumerable<Option> All() =>
    [
        Preset, Dataset, Data, FramesIn, FramesOut, Size, Translator, HidS, HidT, NS, NT, MlpRatio, Drop, DropPath, Residual, Warp, WarpScale, FlowPrior,
        Quantizer, CodebookSize, FrozenCodebook, CodebookInit, Placement, QuantizerParams, Epochs, BatchSize, Lr, Optimizer,
        WeightDecay, Schedule, WarmupEpochs, ClipGrad, Loss, ChromaWeight, HorizonWeighting, Noise, Patience, Budget, BudgetMode, TrainClips, MaxStepsPerEpoch, BackwardThreads, CheckpointEvery,
    ];
}
