using SvqVideo.Datasets;

namespace SvqVideo.Training;

/// <summary>
/// The mutable part of one invocation of <see cref="Trainer.Train"/>: the epoch loop, its stop conditions
/// (epochs, early stopping, wall-time budget, cancellation, non-finite values), validation and checkpoints
/// (at every epoch end, inside epochs as <see cref="TrainingOptions.CheckpointEvery"/> says, and when the run stops).
/// </summary>
internal sealed class TrainingRun
{
    private readonly TrainingContext _run;
    private readonly TrainingStep _step;
    private readonly WallTimeBudget? _budget;

    // The clip order of epoch e is a pure function of (seed, e), so a resumed run reads the same batches.
    private readonly ClipBatchLoader _loader;
    private readonly ValidationPass _validation;
    private readonly CheckpointWriter _checkpoints;
    private NonFiniteStep? _nonFinite;
    private long _stepsThisSession;
    private double _stepSecondsThisSession;

    /// <param name="run">The invocation's context.</param>
    /// <param name="startStep">The global step the invocation starts at (0, or where the resumed checkpoint was taken).</param>
    public TrainingRun(TrainingContext run, long startStep)
    {
        _run = run;
        var options = run.Options;
        _step = new TrainingStep(run);
        _loader = new ClipBatchLoader(run.Train, new ClipBatchLoaderOptions { BatchSize = options.BatchSize, Shuffle = true, Seed = options.Seed, DropLast = true });
        _validation = new ValidationPass(run);
        _checkpoints = new CheckpointWriter(run, startStep);
        if (options.MaxWallTime is TimeSpan budget && options.WallTimeMode == WallTimeMode.Plan)
        {
            _budget = new WallTimeBudget(budget, run.Schedule.TotalSteps, run.Schedule.StepsPerEpoch * options.ValidateEvery, _validation.Batches);
        }
    }

    /// <summary>The steps the learning-rate schedule runs over: the planned ones under a budget, else the configured ones.</summary>
    private long PlannedSteps => _budget?.PlannedSteps ?? _run.Schedule.TotalSteps;

    public TrainingResult Execute(TrainingState state, CancellationToken cancellationToken)
    {
        var options = _run.Options;
        _checkpoints.RepairBest(state);
        // A finished run (early stopped, or completed by max_steps before its last epoch) trains nothing more when resumed.
        StopReason? stop = !state.Finished ? null
            : state.StopReason == nameof(StopReason.EarlyStopped) ? StopReason.EarlyStopped
            : state.StopReason == nameof(StopReason.Completed) ? StopReason.Completed
            : null;
        while (stop is null && state.NextEpoch < options.Epochs)
        {
            long epochStart = _run.Time.GetTimestamp();
            (state, stop) = TrainEpoch(state, cancellationToken);
            bool epochDone = stop is null;
            if (stop == StopReason.NonFinite)
            {
                // The bad step was not applied, so the weights are the last good ones; keep the previous
                // last.safetensors if they are not finite all the same (a checkpoint never holds NaN).
                if (_step.StateIsFinite)
                {
                    _checkpoints.Write(state, Trainer.LastFileName);
                }

                break;
            }

            if (stop == StopReason.Cancelled || (!epochDone && state.PartialSteps == 0))
            {
                _checkpoints.Write(state, Trainer.LastFileName);
                break;
            }

            (state, stop) = CloseAndSave(state, stop, epochDone, _run.Time.GetElapsedTime(epochStart).TotalSeconds, cancellationToken);
        }

        return Result(state, stop ?? StopReason.Completed);
    }

    /// <summary>
    /// Closes the epoch (validation, history, early stopping, the end of the run) and writes <c>last</c>, then <c>best</c>
    /// when it is the best so far. Cancelled during validation, it writes the epoch unclosed and returns <see cref="StopReason.Cancelled"/>.
    /// </summary>
    private (TrainingState State, StopReason? Stop) CloseAndSave(TrainingState open, StopReason? stop, bool epochDone, double wallSeconds, CancellationToken cancellationToken)
    {
        var options = _run.Options;
        int epoch = epochDone ? open.NextEpoch - 1 : open.NextEpoch;
        if (epochDone && options.CheckpointEvery.Time is not null && WillValidate(epoch, partial: false) && _checkpoints.Due(open.GlobalStep))
        {
            // Validation can be long: a checkpoint that came due in the epoch's last steps is written before it.
            _checkpoints.Write(Reopened(open), Trainer.LastFileName, midEpoch: true);
        }

        TrainingState state;
        try
        {
            state = CloseEpoch(open, partial: !epochDone, wallSeconds, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled during validation: save the position before it, so a resume validates this epoch first.
            _checkpoints.Write(Reopened(open), Trainer.LastFileName);
            return (Reopened(open), StopReason.Cancelled);
        }

        bool allSteps = options.MaxSteps > 0 && state.GlobalStep >= options.MaxSteps;
        if (stop == StopReason.Completed || allSteps || (epochDone && state.NextEpoch == options.Epochs))
        {
            stop = allSteps ? StopReason.Completed : stop;
            state = state with { Finished = true, StopReason = nameof(StopReason.Completed) };
        }
        else if (epochDone && state.BestEpoch is int best && options.EarlyStoppingPatience > 0
            && state.NextEpoch - best >= options.EarlyStoppingPatience)
        {
            stop = StopReason.EarlyStopped;
            state = state with { Finished = true, StopReason = nameof(StopReason.EarlyStopped) };
        }

        // last before best: a kill between the two leaves a last that names this epoch as the best, and the resume
        // writes best from it (RepairBest); the other order could leave a best newer than last, which a resume on
        // other threads might replace with a slightly worse model.
        _checkpoints.Write(state, Trainer.LastFileName);
        if (state.History[^1].IsBest)
        {
            _checkpoints.Write(state, Trainer.BestFileName);
        }

        return (state, stop);
    }

    private TrainingResult Result(TrainingState state, StopReason stop)
    {
        string? folder = _run.Folder;
        return new TrainingResult
        {
            Reason = stop,
            EpochsCompleted = state.NextEpoch,
            Steps = state.GlobalStep,
            BestValidationLoss = state.BestValidationLoss,
            BestEpoch = state.BestEpoch,
            BaselineLoss = state.BaselineLoss,
            History = state.History,
            BestCheckpoint = folder is not null && state.BestEpoch is not null ? Path.Combine(folder, Trainer.BestFileName) : null,
            LastCheckpoint = folder is null ? null : Path.Combine(folder, Trainer.LastFileName),
            NonFinite = _nonFinite,
            CheckpointsWritten = _checkpoints.Written,
            CheckpointTime = _checkpoints.Time,
            Elapsed = _run.Elapsed,
        };
    }

    private (TrainingState State, StopReason? Stop) TrainEpoch(TrainingState state, CancellationToken cancellationToken)
    {
        int epoch = state.NextEpoch;
        int stepsPerEpoch = _run.Schedule.StepsPerEpoch;
        double lossSum = state.PartialLossSum;
        int steps = state.PartialSteps;
        double seconds = state.PartialSeconds;
        var metricSums = new Dictionary<string, double>(state.PartialMetricSums, StringComparer.Ordinal);
        long globalStep = state.GlobalStep;
        StopReason? stop = null;
        _run.Model.Module.train();
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

                stop = StopBefore(globalStep, cancellationToken);
                if (stop is not null)
                {
                    break;
                }

                if (steps > 0 && _checkpoints.Due(globalStep))
                {
                    _checkpoints.Write(Position(done: false), Trainer.LastFileName, midEpoch: true);
                }

                long stepStart = _run.Time.GetTimestamp();
                double lr = _run.Schedule.LearningRate(globalStep, PlannedSteps);
                var outcome = _step.Run(batch, lr, _run.Schedule.Beta1(globalStep, PlannedSteps), metricSums);
                if (!outcome.Finite)
                {
                    _nonFinite = new NonFiniteStep { Epoch = epoch + 1, Step = steps + 1, GlobalStep = globalStep, Loss = outcome.Loss, GradientNorm = outcome.GradientNorm };
                    stop = StopReason.NonFinite;
                    break;
                }

                double stepSeconds = _run.Time.GetElapsedTime(stepStart).TotalSeconds;
                seconds += stepSeconds;
                lossSum += outcome.Loss;
                steps++;
                globalStep++;
                ReportStep(epoch, steps, globalStep, outcome.Loss, lr, stepSeconds);
            }
        }

        return (Position(done: stop is null), stop);

        // Where the run stands: inside the epoch (resumable at the next step), or at its end (done).
        TrainingState Position(bool done) => state with
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
    }

    /// <summary>Why the run stops before its next step (after <paramref name="globalStep"/> steps), or null to go on.</summary>
    private StopReason? StopBefore(long globalStep, CancellationToken cancellationToken) =>
        _run.Options.MaxSteps > 0 && globalStep >= _run.Options.MaxSteps ? StopReason.Completed
        : cancellationToken.IsCancellationRequested ? StopReason.Cancelled
        : _budget is { } budget && budget.Exhausted(globalStep, _run.Elapsed) ? StopReason.TimeBudget
        : _run.Options.MaxWallTime is TimeSpan limit && _run.Elapsed >= limit ? StopReason.TimeBudget
        : null;

    /// <summary>
    /// The state of an epoch whose steps are all done but which was not closed (validated): the position after its last
    /// step, so that a resume trains nothing more in it and validates it.
    /// </summary>
    private static TrainingState Reopened(TrainingState done) =>
        done.StepInEpoch > 0 || done.PartialSteps == 0 ? done : done with { NextEpoch = done.NextEpoch - 1, StepInEpoch = done.PartialSteps };

    /// <summary>Updates the pace (and the budget's plan) and reports the step.</summary>
    private void ReportStep(int epoch, int steps, long globalStep, double loss, double lr, double stepSeconds)
    {
        _stepSecondsThisSession += stepSeconds;
        _stepsThisSession++;
        _budget?.RecordStep(stepSeconds);
        _budget?.Replan(globalStep, _run.Elapsed);
        double perStep = _stepSecondsThisSession / _stepsThisSession;
        var eta = TimeSpan.FromSeconds(perStep * Math.Max(0, PlannedSteps - globalStep));
        if (_run.Options.MaxWallTime is TimeSpan limit && limit - _run.Elapsed < eta)
        {
            eta = limit > _run.Elapsed ? limit - _run.Elapsed : TimeSpan.Zero;
        }

        _run.Progress?.Report(new StepProgress
        {
            Epoch = epoch + 1,
            Epochs = _run.Options.Epochs,
            Step = steps,
            StepsPerEpoch = _run.Schedule.StepsPerEpoch,
            GlobalStep = globalStep,
            TotalSteps = PlannedSteps,
            Loss = loss,
            LearningRate = lr,
            SequencesPerSecond = _run.Options.BatchSize / perStep,
            Eta = eta,
        });
    }

    /// <exception cref="OperationCanceledException">Cancelled during validation (nothing was changed or written).</exception>
    private TrainingState CloseEpoch(TrainingState state, bool partial, double wallSeconds, CancellationToken cancellationToken)
    {
        var options = _run.Options;
        int epoch = partial ? state.NextEpoch : state.NextEpoch - 1;
        double? validation = null;
        double? baseline = state.BaselineLoss;
        bool validate = WillValidate(epoch, partial);
        IReadOnlyDictionary<string, double> diagnostics = new Dictionary<string, double>();
        if (validate)
        {
            long start = _run.Time.GetTimestamp();
            (validation, baseline, diagnostics) = _validation.Run(baseline, cancellationToken);
            _budget?.RecordValidation(_run.Time.GetElapsedTime(start).TotalSeconds);
            _budget?.Replan(state.GlobalStep, _run.Elapsed);
        }

        bool isBest = validation is double v && double.IsFinite(v) && (state.BestValidationLoss is not double b || v < b);
        var next = state with
        {
            History = [.. state.History, Summarize(state, epoch, partial, validation, baseline, diagnostics, isBest, wallSeconds)],
            BestValidationLoss = isBest ? validation : state.BestValidationLoss,
            BestEpoch = isBest ? epoch + 1 : state.BestEpoch,
            BaselineLoss = baseline,
        };
        if (!partial)
        {
            next = next with { PartialLossSum = 0, PartialSteps = 0, PartialSeconds = 0, PartialMetricSums = [] };
        }

        _run.Progress?.Report(next.History[^1]);
        return next;
    }

    /// <summary>Whether closing <paramref name="epoch"/> (0-based) validates: every validate_every epochs, the last one and a partial one.</summary>
    private bool WillValidate(int epoch, bool partial) =>
        _run.Validation is not null && (partial || (epoch + 1) % _run.Options.ValidateEvery == 0 || epoch + 1 == _run.Options.Epochs);

    private EpochSummary Summarize(TrainingState state, int epoch, bool partial, double? validation, double? baseline, IReadOnlyDictionary<string, double> diagnostics, bool isBest, double wallSeconds)
    {
        var options = _run.Options;
        var metrics = state.PartialMetricSums.ToDictionary(kv => kv.Key, kv => kv.Value / Math.Max(1, state.PartialSteps), StringComparer.Ordinal);
        foreach (var (key, value) in diagnostics)
        {
            metrics[Trainer.ValidationDiagnosticPrefix + key] = value;
        }

        return new EpochSummary
        {
            Epoch = epoch + 1,
            Epochs = options.Epochs,
            Steps = state.PartialSteps,
            GlobalStep = state.GlobalStep,
            TrainLoss = state.PartialLossSum / Math.Max(1, state.PartialSteps),
            ValidationLoss = validation,
            BaselineLoss = validation is null ? null : baseline,
            BestValidationLoss = isBest ? validation : state.BestValidationLoss,
            IsBest = isBest,
            LearningRate = _run.Schedule.LearningRate(Math.Max(0, state.GlobalStep - 1), PlannedSteps),
            Metrics = metrics,
            Perplexity = metrics.FirstOrDefault(kv => kv.Key.StartsWith("perplexity", StringComparison.Ordinal)) is { Key: not null } p ? p.Value
                : diagnostics.TryGetValue("perplexity_theta2", out double px) ? px : null,
            EpochSeconds = wallSeconds,
            ElapsedSeconds = state.ElapsedSeconds,
            SequencesPerSecond = state.PartialSeconds > 0 ? state.PartialSteps * options.BatchSize / state.PartialSeconds : 0,
            Partial = partial,
        };
    }
}
