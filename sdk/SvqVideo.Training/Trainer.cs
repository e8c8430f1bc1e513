using SvqVideo.Datasets;
using SvqVideo.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Training;

/// <summary>
/// Trains an <see cref="IForecastModel"/> on an <see cref="IClipDataset"/> according to
/// <see cref="TrainingOptions"/>: moves the model to the device, then builds the optimizer; one
/// dispose scope per step; validation loss and the copy-last-frame baseline in eval mode; early
/// stopping that really stops; <c>best.safetensors</c> / <c>last.safetensors</c> written atomically
/// with the optimizer state, the RNG states and the training state, so that
/// <see cref="Train"/> with <c>resume: true</c> continues exactly where the last checkpoint was.
/// <para>
/// Checkpoints are written after every epoch, inside epochs every <see cref="TrainingOptions.CheckpointEvery"/>
/// (5 minutes of wall time by default) and, when the run stops early (time budget or cancellation), at the
/// step where it stopped. A process killed at any moment therefore loses at most that interval (plus the step
/// in progress). On the CPU with the same thread count a resumed run reproduces the uninterrupted run's
/// weights and losses exactly, wherever its checkpoint was taken.
/// </para>
/// Not thread-safe: call <see cref="Train"/> from one thread (TorchSharp's dispose scopes and grad
/// mode are per thread). The caller keeps ownership of the model and the datasets.
/// </summary>
public sealed class Trainer
{
    /// <summary>File name of the lowest-validation-loss checkpoint.</summary>
    public const string BestFileName = "best.safetensors";

    /// <summary>File name of the most recent checkpoint (what a resume starts from).</summary>
    public const string LastFileName = "last.safetensors";

    /// <summary>File name of the JSON-lines log.</summary>
    public const string LogFileName = "train.jsonl";

    /// <summary>
    /// Prefix of the epoch metrics that come from the quantizer's diagnostics on validation latents
    /// (e.g. <c>val_perplexity_theta2</c>, <c>val_used_codes_theta2</c> for SVQ).
    /// </summary>
    public const string ValidationDiagnosticPrefix = "val_";

    /// <summary>Prefix of the checkpoint tensors holding the optimizer state (<c>optim.exp_avg.&lt;param&gt;</c>, <c>optim.exp_avg_sq.&lt;param&gt;</c>, <c>optim.step.&lt;param&gt;</c>).</summary>
    public const string OptimizerPrefix = OptimizerCheckpoint.Prefix;

    /// <summary>Checkpoint tensor holding torch's CPU generator state.</summary>
    public const string TorchRngKey = "rng.torch";

    /// <summary>Checkpoint tensor holding the noise-injection generator state.</summary>
    public const string NoiseRngKey = "rng.noise";

    private readonly IForecastModel _model;
    private readonly IClipDataset _train;
    private readonly IClipDataset? _validation;
    private readonly TimeProvider _time;

    /// <summary>Prepares a run; nothing is computed or written until <see cref="Train"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid, or a dataset's clip shape does not match the model (the message says which).</exception>
    public Trainer(IForecastModel model, IClipDataset train, IClipDataset? validation, TrainingOptions options)
        : this(model, train, validation, options, TimeProvider.System)
    {
    }

    /// <summary>A trainer whose budgets and timings read <paramref name="time"/> (a fake clock in tests).</summary>
    internal Trainer(IForecastModel model, IClipDataset train, IClipDataset? validation, TrainingOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Evaluation.CheckShape(model.Config, train);
        if (validation is not null)
        {
            Evaluation.CheckShape(model.Config, validation);
            if (validation.FramesOut != train.FramesOut)
            {
                throw new ArgumentException($"validation set {validation.Name} has {validation.FramesOut} target frames but the training set {train.Name} has {train.FramesOut}; use the same horizon");
            }
        }

        if (train.Count < options.BatchSize)
        {
            throw new ArgumentException($"training set {train.Name} has {train.Count} clips, fewer than batch_size {options.BatchSize}; lower the batch size");
        }

        _model = model;
        _train = train;
        _validation = validation;
        _time = time;
        Options = options;
    }

    /// <summary>The run's options.</summary>
    public TrainingOptions Options { get; }

    /// <summary>Training steps per epoch (full batches of the training set, capped by <see cref="TrainingOptions.MaxStepsPerEpoch"/>).</summary>
    public int StepsPerEpoch
    {
        get
        {
            int full = _train.Count / Options.BatchSize;
            return Options.MaxStepsPerEpoch > 0 ? Math.Min(full, Options.MaxStepsPerEpoch) : full;
        }
    }

    /// <summary>
    /// Seeds torch's global generators (CPU and CUDA) with <paramref name="seed"/>. Call it before
    /// building the model so that the initial weights are reproducible too.
    /// </summary>
    public static void SeedTorch(long seed)
    {
        manual_seed(seed);
        if (cuda.is_available())
        {
            cuda.manual_seed_all(seed);
        }
    }

    /// <summary>
    /// Runs (or, with <paramref name="resume"/>, continues) training until every epoch has run, early
    /// stopping triggers, the wall-time budget is spent, a step's loss or gradient is not finite, or
    /// <paramref name="cancellationToken"/> is cancelled; the budget and cancellation save a resumable
    /// checkpoint at the current step and return normally. Under a wall-time budget the learning-rate
    /// schedule runs over the steps planned to fit (see <see cref="LearningRateSchedule.LearningRate(long, long)"/>).
    /// </summary>
    /// <param name="resume">Continue from <c>last.safetensors</c> in the checkpoint folder (model, optimizer, schedule position, epoch, step within it, RNG, history).</param>
    /// <param name="progress">Receives step, epoch and checkpoint events synchronously on this thread; may be null.</param>
    /// <param name="cancellationToken">Stops the run at the next step boundary, or between two batches of a validation pass (which a resume then repeats).</param>
    /// <exception cref="ArgumentException">Resume was asked without a checkpoint folder, or the checkpoint's options or model differ from this run's (the message names them).</exception>
    /// <exception cref="FileNotFoundException">Resume was asked but there is no <c>last.safetensors</c> (the run stopped before its first checkpoint).</exception>
    /// <exception cref="InvalidDataException">The checkpoint to resume from is unreadable.</exception>
    public TrainingResult Train(bool resume = false, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        long started = _time.GetTimestamp();
        var options = Options;
        if (options.Threads > 0)
        {
            set_num_threads(options.Threads);
        }

        var device = TorchDevices.Resolve(options.Device);
        int backwardThreads = BackwardPass.ThreadsFor(device, options.BackwardThreads);
        _model.Module.to(device);
        var named = _model.Module.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        if (named.Count == 0)
        {
            throw new ArgumentException("the model has no trainable parameters (every parameter has requires_grad = false)");
        }

        string? folder = options.CheckpointDirectory is null ? null : Path.GetFullPath(options.CheckpointDirectory);
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
            TrainingCheckpoints.RemoveAbandonedTemporaryFiles(folder);
        }

        var parameters = named.Select(p => p.parameter).ToList();
        using var optimizer = CreateOptimizer(parameters, options);
        using var noise = new Generator(0, CPU);
        var run = new TrainingContext
        {
            Model = _model,
            Train = _train,
            Validation = _validation,
            Options = options,
            Device = device,
            Optimizer = optimizer,
            Parameters = parameters,
            ParameterNames = named.Select(p => p.name).ToList(),
            Schedule = LearningRateSchedule.Create(options, StepsPerEpoch),
            Noise = noise,
            Folder = folder,
            Progress = progress,
            Time = _time,
            Started = started,
            BackwardThreads = backwardThreads,
        };
        var state = resume ? Resume(run) : Start(run);
        state.Sessions.Add(new TrainingSession
        {
            StartedUtc = _time.GetUtcNow(),
            StartEpoch = state.NextEpoch + 1,
            StartStepInEpoch = state.StepInEpoch,
            Device = device.ToString(),
            Threads = get_num_threads(),
            BackwardThreads = backwardThreads,
            SdkVersion = SdkVersion.Current.ToString(),
            TorchSharpVersion = typeof(torch).Assembly.GetName().Version?.ToString(),
        });

        return new TrainingRun(run, state.GlobalStep).Execute(state, cancellationToken);
    }

    /// <summary>A 64-bit mix of two values (SplitMix64 finaliser), for derived seeds.</summary>
    internal static long Mix(long a, long b)
    {
        ulong z = unchecked((ulong)a * 0x9E3779B97F4A7C15UL + (ulong)b + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (long)((z ^ (z >> 31)) >> 1);
    }

    private static TrainingState Start(TrainingContext run)
    {
        SeedTorch(run.Options.Seed);
        run.Noise.manual_seed(Mix(run.Options.Seed, 0x6E6F697365));
        return new TrainingState
        {
            Options = run.Options,
            Seed = run.Options.Seed,
            StepsPerEpoch = run.Schedule.StepsPerEpoch,
            ScheduleKind = run.Options.Schedule.ToString().ToLowerInvariant(),
            ScheduleTotalSteps = run.Schedule.TotalSteps,
        };
    }

    private static TrainingState Resume(TrainingContext run)
    {
        if (run.Folder is null)
        {
            throw new ArgumentException("cannot resume: no checkpoint folder is set (training option checkpoint_directory)");
        }

        var state = TrainingCheckpoints.Restore(run, Path.Combine(run.Folder, LastFileName));
        if (run.Device.type == DeviceType.CUDA)
        {
            // libtorch's CUDA generator state cannot be saved from TorchSharp: reseed it from the position instead.
            cuda.manual_seed_all(Mix(run.Options.Seed, state.GlobalStep));
        }

        return state;
    }

    private static OptimizerHelper CreateOptimizer(List<Parameter> parameters, TrainingOptions options) => options.Optimizer switch
    {
        OptimizerKind.AdamW => new AdamW(parameters, options.LearningRate, 0.9, 0.999, 1e-8, options.WeightDecay),
        _ => new Adam(parameters, options.LearningRate, 0.9, 0.999, 1e-8, options.WeightDecay),
    };
}
