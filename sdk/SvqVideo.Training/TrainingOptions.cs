using System.Text.Json;
using System.Text.Json.Serialization;

namespace SvqVideo.Training;

/// <summary>
/// Everything that determines a training run: one value of this record (plus the model
/// configuration and the data) fully determines the result on the CPU. Immutable; round-trips
/// through JSON (<see cref="ToJson"/>, <see cref="FromJson"/>) with snake_case names and the
/// command line's notation for enums (<c>onecycle</c>, <c>adamw</c>, <c>l1</c>) and durations (<c>3m</c>).
/// Defaults follow the paper's recipe (Adam, OneCycle, L1, batch 16, early-stopping patience 10).
/// </summary>
public sealed record TrainingOptions
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Number of epochs (≥ 1); also sets the length of the OneCycle and cosine schedules.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Clips per training step (≥ 1). Incomplete last batches of an epoch are dropped, as OpenSTL does.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Base (OneCycle: maximum) learning rate (&gt; 0).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Optimizer.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Weight decay (≥ 0; 0 as in OpenSTL).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Learning-rate schedule.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.OneCycle;

    /// <summary>Cosine schedule: linear warm-up epochs (≥ 0) starting at <see cref="WarmupLearningRate"/>.</summary>
    public int WarmupEpochs { get; init; }

    /// <summary>Cosine schedule: learning rate at the start of the warm-up (timm's warmup_lr_init).</summary>
    public double WarmupLearningRate { get; init; } = 1e-5;

    /// <summary>Cosine schedule: the floor the cosine decays to (timm's lr_min).</summary>
    public double MinLearningRate { get; init; } = 1e-6;

    /// <summary>Clip the global gradient L2 norm to this value; 0 disables clipping (OpenSTL's default).</summary>
    public double GradientClipNorm { get; init; }

    /// <summary>Forecast loss; the quantizer's auxiliary loss is added to it.</summary>
    public LossKind Loss { get; init; } = LossKind.L1;

    /// <summary>
    /// How much colour errors count against brightness errors in the forecast loss, in [0, 1]: 1 (the default) is the plain
    /// loss over R, G and B; below 1 the error of each RGB pixel is split into its component along BT.601 luma (what
    /// viewers and video codecs weigh most, and what 8-bit luma scores measure) and the two colour components orthogonal
    /// to it, and the colour components are scaled by this weight. Applies to 3-channel frames; other frames ignore it.
    /// </summary>
    public double ChromaWeight { get; init; } = 1.0;

    /// <summary>
    /// Weigh each forecast step by the inverse of copy-last-frame's loss at that step in the batch (normalised so that
    /// copying the last frame still scores its mean loss). Without it the far steps, where everything has moved, dominate
    /// the loss, and the near steps, where the last frame is hard to beat, get little of the gradient.
    /// </summary>
    public bool HorizonWeighting { get; init; }

    /// <summary>
    /// Noise injection η in [0, 1): during training only, a random fraction η of the input values is
    /// multiplied by U(−2, 2) (paper Table 5). 0 disables it.
    /// </summary>
    public double NoiseFraction { get; init; }

    /// <summary>
    /// Stop when the validation loss has not improved (strictly) for this many epochs; 0 disables
    /// early stopping. Needs a validation set.
    /// </summary>
    public int EarlyStoppingPatience { get; init; } = 10;

    /// <summary>
    /// Wall-clock budget for this invocation (JSON: <c>"3m"</c>, <c>"1h30m"</c>); null for none. When it runs out the
    /// trainer finishes the current step, validates, saves a resumable checkpoint and returns.
    /// </summary>
    [JsonConverter(typeof(DurationJsonConverter))]
    public TimeSpan? MaxWallTime { get; init; }

    /// <summary>
    /// How <see cref="MaxWallTime"/> shapes the schedule: <see cref="WallTimeMode.Plan"/> (default) runs the schedule over
    /// the steps that fit in the budget; <see cref="WallTimeMode.Pause"/> keeps the configured schedule and treats the
    /// budget as a pause to resume from.
    /// </summary>
    public WallTimeMode WallTimeMode { get; init; }

    /// <summary>Seed of every random choice the trainer makes (torch's generator, data order, noise).</summary>
    public long Seed { get; init; } = 42;

    /// <summary>CPU threads for libtorch's intra-op pool; 0 keeps libtorch's default.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// CPU threads for the backward pass; 0 chooses automatically (<see cref="SvqVideo.Torch.BackwardPass.ThreadsFor"/>:
    /// one thread on processors whose multi-threaded convolution backward pass is faulty, else <see cref="Threads"/>).
    /// </summary>
    public int BackwardThreads { get; init; }

    /// <summary>Device: <c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>
    /// Folder for <c>best.safetensors</c>, <c>last.safetensors</c> and <c>train.jsonl</c> (created if
    /// missing); null trains without writing anything (and cannot resume).
    /// </summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>
    /// How often a resumable checkpoint (<c>last.safetensors</c>) is written inside an epoch: every 5 minutes of wall
    /// time by default (JSON: <c>"5m"</c>), every N steps (<c>"500steps"</c>) or only at epoch ends (<c>"epoch"</c>).
    /// A process killed at any moment loses at most this much training. May change when a run is resumed.
    /// </summary>
    public CheckpointInterval CheckpointEvery { get; init; } = CheckpointInterval.Default;

    /// <summary>Validate every this many epochs (≥ 1); the last epoch is always validated.</summary>
    public int ValidateEvery { get; init; } = 1;

    /// <summary>Cap on training steps per epoch (0 = a full pass over the training set).</summary>
    public int MaxStepsPerEpoch { get; init; }

    /// <summary>
    /// Cap on optimisation steps over the whole run (0 = none): the run completes after this many steps even in the middle
    /// of an epoch (which is then validated), and the schedules run over min(epochs × steps per epoch, max_steps). This is
    /// how runs that must be compared get equal budgets (e.g. the arms of an A/B test).
    /// </summary>
    public long MaxSteps { get; init; }

    /// <summary>Validate on the first this many clips of the validation set (0 = all of them).</summary>
    public int MaxValidationClips { get; init; }

    /// <summary>Serialises to one line of JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses JSON written by <see cref="ToJson"/> (or by hand) and validates it.</summary>
    /// <exception cref="ArgumentException">The JSON is malformed, has an unknown member, or a value is out of range (the message names it).</exception>
    public static TrainingOptions FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        TrainingOptions? options;
        try
        {
            options = JsonSerializer.Deserialize<TrainingOptions>(json, Json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"training options: {e.Message}", nameof(json), e);
        }

        if (options is null)
        {
            throw new ArgumentException("training options: the JSON is null", nameof(json));
        }

        options.Validate();
        return options;
    }

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names the option and the allowed range.</exception>
    public void Validate()
    {
        Require(Epochs >= 1, "epochs", Epochs, "must be at least 1");
        Require(BatchSize >= 1, "batch_size", BatchSize, "must be at least 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "learning_rate", LearningRate, "must be a positive number");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), "weight_decay", WeightDecay, "must be 0 or positive");
        Require(WarmupEpochs >= 0, "warmup_epochs", WarmupEpochs, "must be 0 or positive");
        Require(WarmupLearningRate >= 0 && double.IsFinite(WarmupLearningRate), "warmup_learning_rate", WarmupLearningRate, "must be 0 or positive");
        Require(MinLearningRate >= 0 && double.IsFinite(MinLearningRate), "min_learning_rate", MinLearningRate, "must be 0 or positive");
        Require(GradientClipNorm >= 0 && double.IsFinite(GradientClipNorm), "gradient_clip_norm", GradientClipNorm, "must be 0 (off) or positive");
        Require(ChromaWeight is >= 0 and <= 1, "chroma_weight", ChromaWeight, "must be in [0, 1]");
        Require(NoiseFraction >= 0 && NoiseFraction < 1, "noise_fraction", NoiseFraction, "must be in [0, 1)");
        Require(EarlyStoppingPatience >= 0, "early_stopping_patience", EarlyStoppingPatience, "must be 0 (off) or positive");
        Require(MaxWallTime is null || MaxWallTime > TimeSpan.Zero, "max_wall_time", MaxWallTime, "must be positive");
        Require(Threads >= 0, "threads", Threads, "must be 0 (default) or positive");
        Require(BackwardThreads >= 0, "backward_threads", BackwardThreads, "must be 0 (automatic) or positive");
        Require(!string.IsNullOrWhiteSpace(Device), "device", Device, "must be auto, cpu, cuda or cuda:N");
        Require(ValidateEvery >= 1, "validate_every", ValidateEvery, "must be at least 1");
        Require(MaxStepsPerEpoch >= 0, "max_steps_per_epoch", MaxStepsPerEpoch, "must be 0 (all) or positive");
        Require(MaxSteps >= 0, "max_steps", MaxSteps, "must be 0 (no cap) or positive");
        Require(MaxValidationClips >= 0, "max_validation_clips", MaxValidationClips, "must be 0 (all) or positive");
    }

    /// <summary>
    /// The options that may change when a run is resumed (budget and its mode, threads, backward threads, device, checkpoint folder
    /// and interval);
    /// everything else must equal the checkpoint's options. Returns the names of members that differ otherwise.
    /// </summary>
    internal IReadOnlyList<string> DifferencesForResume(TrainingOptions saved)
    {
        var mine = this with { MaxWallTime = null, WallTimeMode = WallTimeMode.Plan, Threads = 0, BackwardThreads = 0, Device = "auto", CheckpointDirectory = null, CheckpointEvery = default };
        var theirs = saved with { MaxWallTime = null, WallTimeMode = WallTimeMode.Plan, Threads = 0, BackwardThreads = 0, Device = "auto", CheckpointDirectory = null, CheckpointEvery = default };
        if (mine == theirs)
        {
            return [];
        }

        var a = JsonSerializer.SerializeToElement(mine, Json);
        var b = JsonSerializer.SerializeToElement(theirs, Json);
        return a.EnumerateObject()
            .Where(p => !b.TryGetProperty(p.Name, out var other) || other.GetRawText() != p.Value.GetRawText())
            .Select(p => p.Name)
            .ToList();
    }

    private static void Require(bool condition, string name, object? value, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"training option {name} = {Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)} {rule}");
        }
    }
}
