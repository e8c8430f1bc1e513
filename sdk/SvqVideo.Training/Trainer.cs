using System.Diagnostics;
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
/// Checkpoints are written after every epoch and, when the run stops early (time budget or
/// cancellation), at the step where it stopped. A process killed at any moment therefore loses
/// at most the epoch in progress. On the CPU with the same thread count a resumed run reproduces
/// the uninterrupted run's weights and losses exactly.
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

    private static readonly IReadOnlyDictionary<string, double> NoDiagnostics = new Dictionary<string, double>();

    /// <summary>Prefix of the checkpoint tensors holding the optimizer state (<c>optim.exp_avg.&lt;param&gt;</c>, <c>optim.exp_avg_sq.&lt;param&gt;</c>, <c>optim.step.&lt;param&gt;</c>).</summary>
    public const string OptimizerPrefix = OptimizerCheckpoint.Prefix;

    /// <summary>Checkpoint tensor holding torch's CPU generator state.</summary>
    public const string TorchRngKey = "rng.torch";

    /// <summary>Checkpoint tensor holding the noise-injection generator state.</summary>
    public const string NoiseRngKey = "rng.noise";

    private readonly IForecastModel _model;
    private readonly IClipDataset _train;
    private readonly IClipDataset? _validation;

    /// <summary>Prepares a run; nothing is computed or written until <see cref="Train"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid, or a dataset's clip shape does not match the model (the message says which).</exception>
    public Trainer(IForecastModel model, IClipDataset train, IClipDataset? validation, TrainingOptions options)
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
    /// stopping triggers, the wall-time budget is spent or <paramref name="cancellationToken"/> is
    /// cancelled; the last two save a resumable checkpoint at the current step and return normally.
    /// </summary>
    /// <param name="resume">Continue from <c>last.safetensors</c> in the checkpoint folder (model, optimizer, schedule position, epoch, RNG, history).</param>
    /// <param name="progress">Receives step and epoch events synchronously on this thread; may be null.</param>
    /// <param name="cancellationToken">Stops the run at the next step boundary.</param>
    /// <exception cref="ArgumentException">Resume was asked without a checkpoint folder, or the checkpoint's options or model differ from this run's (the message names them).</exception>
    /// <exception cref="FileNotFoundException">Resume was asked but there is no <c>last.safetensors</c>.</exception>
    /// <exception cref="InvalidDataException">The checkpoint to resume from is unreadable.</exception>
    public TrainingResult Train(bool resume = false, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var options = Options;
        if (options.Threads > 0)
        {
            set_num_threads(options.Threads);
        }

        var device = TorchDevices.Resolve(options.Device);
        int backwardThreads = BackwardPass.ThreadsFor(device, options.BackwardThreads);
        _model.Module.to(device);
        var named = _model.Module.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        var parameters = named.Select(p => p.parameter).ToList();
        var parameterNames = named.Select(p => p.name).ToList();
        if (parameters.Count == 0)
        {
            throw new ArgumentException("the model has no trainable parameters (every parameter has requires_grad = false)");
        }

        int stepsPerEpoch = StepsPerEpoch;
        var schedule = LearningRateSchedule.Create(options, stepsPerEpoch);
        string? folder = options.CheckpointDirectory is null ? null : Path.GetFullPath(options.CheckpointDirectory);
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
            RemoveAbandonedTemporaryFiles(folder);
        }

        using var optimizer = CreateOptimizer(parameters, options);
        using var noise = new Generator(0, CPU);
        TrainingState state;
        if (resume)
        {
            if (folder is null)
            {
                throw new ArgumentException("cannot resume: no checkpoint folder is set (training option checkpoint_directory)");
            }

            state = Restore(Path.Combine(folder, LastFileName), optimizer, parameterNames, noise, stepsPerEpoch, schedule);
            if (device.type == DeviceType.CUDA)
            {
                // libtorch's CUDA generator state cannot be saved from TorchSharp: reseed it from the position instead.
                cuda.manual_seed_all(Mix(options.Seed, state.GlobalStep));
            }
        }
        else
        {
            SeedTorch(options.Seed);
            noise.manual_seed(Mix(options.Seed, 0x6E6F697365));
            state = new TrainingState
            {
                Options = options,
                Seed = options.Seed,
                StepsPerEpoch = stepsPerEpoch,
                ScheduleKind = options.Schedule.ToString().ToLowerInvariant(),
                ScheduleTotalSteps = schedule.TotalSteps,
            };
        }

        state.Sessions.Add(new TrainingSession
        {
            StartedUtc = DateTimeOffset.UtcNow,
            StartEpoch = state.NextEpoch + 1,
            StartStepInEpoch = state.StepInEpoch,
            Device = device.ToString(),
            Threads = get_num_threads(),
            BackwardThreads = backwardThreads,
            SdkVersion = SdkVersion.Current.ToString(),
            TorchSharpVersion = typeof(torch).Assembly.GetName().Version?.ToString(),
        });

        var run = new Run(this, options, device, optimizer, parameters, parameterNames, schedule, noise, folder, progress, clock, backwardThreads);
        return run.Execute(state, cancellationToken);
    }

    private TrainingState Restore(string path, OptimizerHelper optimizer, IReadOnlyList<string> parameterNames, Generator noise, int stepsPerEpoch, LearningRateSchedule schedule)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"cannot resume: {path} does not exist (start the run without resume)", path);
        }

        var (manifest, tensors) = Checkpoint.Load(path);
        try
        {
            if (manifest.Training is null)
            {
                throw new InvalidDataException($"{path}: a model-only checkpoint has no training state to resume from");
            }

            var state = TrainingState.FromJson(manifest.Training, path);
            var differences = Options.DifferencesForResume(state.Options);
            if (differences.Count > 0)
            {
                throw new ArgumentException($"cannot resume from {path}: training options differ from the checkpoint's ({string.Join(", ", differences)}); only max_wall_time, threads, device and checkpoint_directory may change");
            }

            if (!manifest.Model.Equals(_model.Config))
            {
                throw new ArgumentException($"cannot resume from {path}: the model configuration differs from the checkpoint's; rebuild the model from the checkpoint manifest");
            }

            if (state.StepsPerEpoch != stepsPerEpoch || state.ScheduleTotalSteps != schedule.TotalSteps)
            {
                throw new ArgumentException($"cannot resume from {path}: it was trained with {state.StepsPerEpoch} steps per epoch, this run has {stepsPerEpoch} (the training set changed)");
            }

            foreach (var key in new[] { TorchRngKey, NoiseRngKey })
            {
                if (!tensors.ContainsKey(key))
                {
                    throw new InvalidDataException($"{path}: the checkpoint has no '{key}' tensor, so the run cannot be resumed exactly");
                }
            }

            Checkpoint.LoadModelState(_model.Module, tensors);
            OptimizerCheckpoint.Load(optimizer, parameterNames, tensors, path);

            set_rng_state(tensors[TorchRngKey]);
            noise.set_state(tensors[NoiseRngKey]);
            return state;
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    private static OptimizerHelper CreateOptimizer(List<Parameter> parameters, TrainingOptions options) => options.Optimizer switch
    {
        OptimizerKind.AdamW => new AdamW(parameters, options.LearningRate, 0.9, 0.999, 1e-8, options.WeightDecay),
        _ => new Adam(parameters, options.LearningRate, 0.9, 0.999, 1e-8, options.WeightDecay),
    };

    /// <summary>Deletes temporary files left by a process killed while writing a checkpoint or the log.</summary>
    private static void RemoveAbandonedTemporaryFiles(string folder)
    {
        foreach (var name in new[] { BestFileName, LastFileName, LogFileName })
        {
            string pattern = $".{Path.GetFileNameWithoutExtension(name)}.*.tmp{Path.GetExtension(name)}";
            foreach (var file in Directory.EnumerateFiles(folder, pattern))
            {
                try
                {
                    File.Delete(file);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    /// <summary>A 64-bit mix of two values (SplitMix64 finaliser), for derived seeds.</summary>
    internal static long Mix(long a, long b)
    {
        ulong z = unchecked((ulong)a * 0x9E3779B97F4A7C15UL + (ulong)b + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (long)((z ^ (z >> 31)) >> 1);
    }

    /// <summary>The mutable part of one invocation.</summary>
    private sealed class Run(Trainer trainer, TrainingOptions options, Device device, OptimizerHelper optimizer, List<Parameter> parameters,
        List<string> parameterNames, LearningRateSchedule schedule, Generator noise, string? folder, IProgress<TrainingProgress>? progress, Stopwatch clock,
        int backwardThreads)
    {
        private readonly IForecastModel _model = trainer._model;

        // The clip order of epoch e is a pure function of (seed, e), so a resumed run reads the same batches.
        private readonly ClipBatchLoader _loader = new(trainer._train, new ClipBatchLoaderOptions
        {
            BatchSize = options.BatchSize,
            Shuffle = true,
            Seed = options.Seed,
            DropLast = true,
        });

        private readonly Lazy<ClipBatchLoader> _validationLoader = new(() =>
            Evaluation.InOrder(ClipSubset.Of(trainer._validation!, options.MaxValidationClips), options.BatchSize));
        // Floating-point buffers (BatchNorm statistics, EMA codebooks) change in the forward pass itself, so a step
        // with non-finite values must put them back as well as skip the update.
        private readonly List<Tensor> _buffers = trainer._model.Module.buffers().Where(b => b.is_floating_point()).ToList();
        private NonFiniteStep? _nonFinite;
        private long _stepsThisSession;
        private double _stepSecondsThisSession;

        public TrainingResult Execute(TrainingState state, CancellationToken cancellationToken)
        {
            StopReason? stop = state.Finished && state.StopReason == nameof(StopReason.EarlyStopped) ? StopReason.EarlyStopped : null;
            while (stop is null && state.NextEpoch < options.Epochs)
            {
                var epochClock = Stopwatch.StartNew();
                (state, stop) = TrainEpoch(state, cancellationToken);
                bool epochDone = stop is null;
                if (stop == StopReason.NonFinite)
                {
                    // The bad step was not applied, so the weights are the last good ones; keep the previous
                    // last.safetensors if they are not finite all the same (a checkpoint never holds NaN).
                    if (parameters.All(Checkpoint.AllFinite) && _buffers.All(Checkpoint.AllFinite))
                    {
                        Save(state, LastFileName);
                    }

                    break;
                }

                if (stop == StopReason.Cancelled || (!epochDone && state.PartialSteps == 0))
                {
                    Save(state, LastFileName);
                    break;
                }

                state = CloseEpoch(state, partial: !epochDone, epochClock.Elapsed.TotalSeconds);
                if (epochDone && state.NextEpoch == options.Epochs)
                {
                    state = state with { Finished = true, StopReason = nameof(StopReason.Completed) };
                }
                else if (epochDone && state.BestEpoch is int best && options.EarlyStoppingPatience > 0
                    && state.NextEpoch - best >= options.EarlyStoppingPatience)
                {
                    stop = StopReason.EarlyStopped;
                    state = state with { Finished = true, StopReason = nameof(StopReason.EarlyStopped) };
                }

                Save(state, LastFileName);
            }

            stop ??= StopReason.Completed;

            return new TrainingResult
            {
                Reason = stop.Value,
                EpochsCompleted = state.NextEpoch,
                Steps = state.GlobalStep,
                BestValidationLoss = state.BestValidationLoss,
                BestEpoch = state.BestEpoch,
                BaselineLoss = state.BaselineLoss,
                History = state.History,
                BestCheckpoint = folder is not null && state.BestEpoch is not null ? Path.Combine(folder, BestFileName) : null,
                LastCheckpoint = folder is null ? null : Path.Combine(folder, LastFileName),
                NonFinite = _nonFinite,
                Elapsed = clock.Elapsed,
            };
        }

        private (TrainingState State, StopReason? Stop) TrainEpoch(TrainingState state, CancellationToken cancellationToken)
        {
            int epoch = state.NextEpoch;
            int stepsPerEpoch = schedule.StepsPerEpoch;
            double lossSum = state.PartialLossSum;
            int steps = state.PartialSteps;
            double seconds = state.PartialSeconds;
            var metricSums = new Dictionary<string, double>(state.PartialMetricSums, StringComparer.Ordinal);
            long globalStep = state.GlobalStep;
            StopReason? stop = null;
            _model.Module.train();
            // Cancellation is handled here, at step boundaries, so the loader gets no token.
            // A resumed epoch starts at the saved step without reading the clips of the batches before it.
            foreach (var batch in _loader.Epoch(epoch, Math.Min(state.StepInEpoch, _loader.BatchesPerEpoch), CancellationToken.None))
            {
                using (batch)
                {
                    if (batch.Number >= stepsPerEpoch)
                    {
                        break;
                    }

                    stop = cancellationToken.IsCancellationRequested ? StopReason.Cancelled
                        : options.MaxWallTime is TimeSpan budget && clock.Elapsed >= budget ? StopReason.TimeBudget
                        : null;
                    if (stop is not null)
                    {
                        break;
                    }

                    var stepClock = Stopwatch.StartNew();
                    double lr = schedule.LearningRate(globalStep);
                    SetLearningRate(lr, schedule.Beta1(globalStep));
                    var (loss, gradientNorm) = Step(batch, metricSums);
                    if (!double.IsFinite(loss) || !double.IsFinite(gradientNorm))
                    {
                        _nonFinite = new NonFiniteStep { Epoch = epoch + 1, Step = steps + 1, GlobalStep = globalStep, Loss = loss, GradientNorm = gradientNorm };
                        stop = StopReason.NonFinite;
                        break;
                    }

                    double stepSeconds = stepClock.Elapsed.TotalSeconds;
                    seconds += stepSeconds;
                    _stepSecondsThisSession += stepSeconds;
                    _stepsThisSession++;
                    lossSum += loss;
                    steps++;
                    globalStep++;
                    double perStep = _stepSecondsThisSession / _stepsThisSession;
                    var eta = TimeSpan.FromSeconds(perStep * (schedule.TotalSteps - globalStep));
                    if (options.MaxWallTime is TimeSpan limit && limit - clock.Elapsed < eta)
                    {
                        eta = limit > clock.Elapsed ? limit - clock.Elapsed : TimeSpan.Zero;
                    }

                    progress?.Report(new StepProgress
                    {
                        Epoch = epoch + 1,
                        Epochs = options.Epochs,
                        Step = steps,
                        StepsPerEpoch = stepsPerEpoch,
                        GlobalStep = globalStep,
                        TotalSteps = schedule.TotalSteps,
                        Loss = loss,
                        LearningRate = lr,
                        SequencesPerSecond = options.BatchSize / perStep,
                        Eta = eta,
                    });
                }
            }

            bool done = stop is null;
            var next = state with
            {
                NextEpoch = done ? epoch + 1 : epoch,
                StepInEpoch = done ? 0 : steps,
                GlobalStep = globalStep,
                PartialLossSum = lossSum,
                PartialSteps = steps,
                PartialSeconds = seconds,
                PartialMetricSums = metricSums,
                ElapsedSeconds = state.ElapsedSeconds + (seconds - state.PartialSeconds),
            };
            return (next, stop);
        }

        /// <summary>
        /// One optimisation step. When the loss or the gradient norm is not finite the update is not applied (the
        /// caller stops the run) and the step's metrics are not counted.
        /// </summary>
        private (double Loss, double GradientNorm) Step(ClipBatch batch, Dictionary<string, double> metricSums)
        {
            using var scope = NewDisposeScope();
            var buffersBefore = _buffers.Select(b => b.detach().clone()).ToList();
            var (x, y) = Evaluation.ToTensors(batch, trainer._train.FramesIn);
            if (options.NoiseFraction > 0)
            {
                x = NoiseInjection.Apply(x, options.NoiseFraction, noise);
            }

            x = x.to(device);
            y = y.to(device);
            var (prediction, aux, metrics) = Predict(x, (int)y.shape[1]);
            var loss = ForecastLoss(prediction, y).add(aux);
            optimizer.zero_grad();
            BackwardPass.Run(loss, backwardThreads);
            double lossValue = loss.item<float>();
            double gradientNorm = options.GradientClipNorm > 0
                ? nn.utils.clip_grad_norm_(parameters, options.GradientClipNorm)
                : GradientNorm();
            if (!double.IsFinite(lossValue) || !double.IsFinite(gradientNorm))
            {
                using var noGrad = no_grad();
                for (int i = 0; i < _buffers.Count; i++)
                {
                    _buffers[i].copy_(buffersBefore[i]);
                }

                return (lossValue, gradientNorm);
            }

            optimizer.step();
            foreach (var (name, value) in metrics)
            {
                metricSums[name] = metricSums.GetValueOrDefault(name) + value;
            }

            return (lossValue, gradientNorm);
        }

        /// <summary>The global L2 norm of the parameters' gradients (what clipping would measure).</summary>
        private double GradientNorm()
        {
            using var scope = NewDisposeScope();
            var squares = parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!.square().sum()).ToList();
            return squares.Count == 0 ? 0 : stack(squares).sum().sqrt().item<float>();
        }

        /// <summary>
        /// One forward pass, truncated to the horizon, or an autoregressive rollout (predictions fed
        /// back as context) when the horizon is longer than a pass; the auxiliary losses of the passes are summed.
        /// </summary>
        private (Tensor Prediction, Tensor Aux, Dictionary<string, double> Metrics) Predict(Tensor context, int horizon)
        {
            int framesIn = (int)context.shape[1];
            var pieces = new List<Tensor>();
            var aux = zeros([], device: context.device);
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            int produced = 0;
            int passes = 0;
            while (produced < horizon)
            {
                var output = _model.Forward(context);
                passes++;
                aux = aux.add(output.AuxLoss);
                if (output.Quantizer is not null)
                {
                    foreach (var (name, value) in output.Quantizer.Metrics)
                    {
                        metrics[name] = metrics.GetValueOrDefault(name) + value.item<float>();
                    }
                }

                var p = output.Prediction;
                int take = (int)Math.Min(p.shape[1], horizon - produced);
                pieces.Add(p.narrow(1, 0, take));
                produced += take;
                if (produced < horizon)
                {
                    var joined = cat([context, p], 1);
                    context = joined.narrow(1, joined.shape[1] - framesIn, framesIn);
                }
            }

            foreach (var name in metrics.Keys.ToList())
            {
                metrics[name] /= passes;
            }

            return (pieces.Count == 1 ? pieces[0] : cat(pieces, 1), aux, metrics);
        }

        private Tensor ForecastLoss(Tensor prediction, Tensor target) => options.Loss == LossKind.L2
            ? nn.functional.mse_loss(prediction, target)
            : nn.functional.l1_loss(prediction, target);

        private void SetLearningRate(double lr, double? beta1)
        {
            // Set per parameter group: the optimizer-level Betas property changes only the defaults for groups added later.
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = lr;
                if (beta1 is double b && group is optim.IBetas betas)
                {
                    betas.Betas = (b, betas.Betas.Item2);
                }
            }
        }

        private TrainingState CloseEpoch(TrainingState state, bool partial, double wallSeconds)
        {
            int epoch = partial ? state.NextEpoch : state.NextEpoch - 1;
            double? validation = null;
            double? baseline = state.BaselineLoss;
            bool validate = trainer._validation is not null
                && (partial || (epoch + 1) % options.ValidateEvery == 0 || epoch + 1 == options.Epochs);
            IReadOnlyDictionary<string, double> diagnostics = NoDiagnostics;
            if (validate)
            {
                (validation, baseline, diagnostics) = Validate(baseline);
            }

            bool isBest = validation is double v && double.IsFinite(v) && (state.BestValidationLoss is not double b || v < b);
            double? bestLoss = isBest ? validation : state.BestValidationLoss;
            int? bestEpoch = isBest ? epoch + 1 : state.BestEpoch;
            var metrics = state.PartialMetricSums.ToDictionary(kv => kv.Key, kv => kv.Value / Math.Max(1, state.PartialSteps), StringComparer.Ordinal);
            foreach (var (key, value) in diagnostics)
            {
                metrics[ValidationDiagnosticPrefix + key] = value;
            }
            var summary = new EpochSummary
            {
                Epoch = epoch + 1,
                Epochs = options.Epochs,
                Steps = state.PartialSteps,
                GlobalStep = state.GlobalStep,
                TrainLoss = state.PartialLossSum / Math.Max(1, state.PartialSteps),
                ValidationLoss = validation,
                BaselineLoss = validation is null ? null : baseline,
                BestValidationLoss = bestLoss,
                IsBest = isBest,
                LearningRate = schedule.LearningRate(Math.Max(0, state.GlobalStep - 1)),
                Metrics = metrics,
                Perplexity = metrics.FirstOrDefault(kv => kv.Key.StartsWith("perplexity", StringComparison.Ordinal)) is { Key: not null } p ? p.Value
                    : diagnostics.TryGetValue("perplexity_theta2", out double px) ? px : null,
                EpochSeconds = wallSeconds,
                ElapsedSeconds = state.ElapsedSeconds,
                SequencesPerSecond = state.PartialSeconds > 0 ? state.PartialSteps * options.BatchSize / state.PartialSeconds : 0,
                Partial = partial,
            };
            var history = new List<EpochSummary>(state.History) { summary };
            var next = state with
            {
                History = history,
                BestValidationLoss = bestLoss,
                BestEpoch = bestEpoch,
                BaselineLoss = baseline,
            };
            if (!partial)
            {
                next = next with { PartialLossSum = 0, PartialSteps = 0, PartialSeconds = 0, PartialMetricSums = [] };
            }

            if (isBest)
            {
                Save(next, BestFileName);
            }

            progress?.Report(summary);
            return next;
        }

        /// <summary>
        /// Validation loss, the copy-last-frame loss, and — when the model exposes its latents
        /// (<see cref="ILatentEncoder"/>) and its quantizer diagnoses them (<see cref="IQuantizerDiagnostics"/>,
        /// e.g. SVQ's perplexity at θ = 2) — the diagnostics of the first validation batch's latents.
        /// </summary>
        private (double Loss, double Baseline, IReadOnlyDictionary<string, double> Diagnostics) Validate(double? knownBaseline)
        {
            var data = trainer._validation!;
            bool wasTraining = _model.Module.training;
            _model.Module.eval();
            double sum = 0;
            double baselineSum = 0;
            IReadOnlyDictionary<string, double>? diagnostics = null;
            var clips = ClipSubset.Of(data, options.MaxValidationClips);
            try
            {
                foreach (var batch in _validationLoader.Value.Epoch(0))
                {
                    using var disposeBatch = batch;
                    using var scope = NewDisposeScope();
                    using var _ = inference_mode();
                    var (x, y) = Evaluation.ToTensors(batch, data.FramesIn);
                    int count = batch.Size;
                    x = x.to(device);
                    y = y.to(device);
                    var (prediction, _, _) = Predict(x, (int)y.shape[1]);
                    sum += ForecastLoss(prediction, y).item<float>() * count;
                    if (knownBaseline is null)
                    {
                        baselineSum += ForecastLoss(Evaluation.CopyLastFrame(x, (int)y.shape[1]), y).item<float>() * count;
                    }

                    if (diagnostics is null && _model is ILatentEncoder encoder && _model.Quantizer is IQuantizerDiagnostics diagnose)
                    {
                        diagnostics = diagnose.Diagnose(encoder.EncodeLatents(x));
                    }
                }
            }
            finally
            {
                _model.Module.train(wasTraining);
            }

            return (sum / clips.Count, knownBaseline ?? baselineSum / clips.Count, diagnostics ?? NoDiagnostics);
        }

        private void Save(TrainingState state, string fileName)
        {
            if (folder is null)
            {
                return;
            }

            using (var scope = NewDisposeScope())
            {
                var tensors = new List<KeyValuePair<string, Tensor>>(_model.Module.state_dict());
                tensors.AddRange(OptimizerCheckpoint.Save(optimizer, parameterNames));
                tensors.Add(new(TorchRngKey, get_rng_state()));
                tensors.Add(new(NoiseRngKey, noise.get_state()));
                var manifest = new CheckpointManifest
                {
                    Model = _model.Config,
                    Quantizer = _model.Quantizer?.Options,
                    ChannelOrder = _model.Config.Channels == 1 ? "gray" : "RGB",
                    Training = state.ToJson(),
                };
                Checkpoint.Save(Path.Combine(folder, fileName), manifest, tensors);
            }

            if (fileName == LastFileName)
            {
                TrainingLog.Write(Path.Combine(folder, LogFileName), state);
            }
        }
    }
}
