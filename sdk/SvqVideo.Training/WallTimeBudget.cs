namespace SvqVideo.Training;

/// <summary>
/// Plans a run bounded by wall time (<see cref="TrainingOptions.MaxWallTime"/>): how many optimisation steps will
/// fit, from the pace of the steps so far and the time validation takes, re-planned after every step. The
/// learning-rate schedule runs over the planned steps (<see cref="LearningRateSchedule.LearningRate(long, long)"/>),
/// so a one-minute run gets its warm-up, peak and anneal instead of only the start of a schedule sized for
/// full epochs, and the run stops when the planned steps are done, leaving time for the last validation.
/// Not thread-safe.
/// </summary>
internal sealed class WallTimeBudget
{
    // Forward-only validation batches cost about a third of a training step each; before the first validation
    // has been timed it is estimated at half a step per batch (the copy-last baseline is computed then too).
    private const double UntimedValidationStepsPerBatch = 0.5;

    private readonly TimeSpan _budget;
    private readonly long _maxSteps;
    private readonly int _stepsPerValidation;
    private readonly int _validationBatches;
    private double _stepSecondsSum;
    private int _stepsSeen;
    private int _stepsTimed;
    private double? _validationSeconds;

    /// <param name="budget">The wall-time budget of this invocation.</param>
    /// <param name="maxSteps">The steps the configured epochs allow (the plan never exceeds them).</param>
    /// <param name="stepsPerValidation">Training steps between validations (steps per epoch × validate_every).</param>
    /// <param name="validationBatches">Batches of one validation pass (0 without validation).</param>
    public WallTimeBudget(TimeSpan budget, long maxSteps, int stepsPerValidation, int validationBatches)
    {
        _budget = budget;
        _maxSteps = maxSteps;
        _stepsPerValidation = Math.Max(1, stepsPerValidation);
        _validationBatches = validationBatches;
        PlannedSteps = maxSteps;
    }

    /// <summary>The total steps (over the whole run) planned to fit; the configured maximum until a step has been timed.</summary>
    public long PlannedSteps { get; private set; }

    /// <summary>True once a step has been timed, so that <see cref="PlannedSteps"/> is an estimate rather than the maximum.</summary>
    public bool HasPace => _stepsSeen > 0;

    /// <summary>Records the wall time of one training step. The first step of an invocation (lazy initialisation) only counts until a second one is timed.</summary>
    public void RecordStep(double seconds)
    {
        _stepsSeen++;
        if (_stepsSeen == 1)
        {
            _stepSecondsSum = seconds;
            _stepsTimed = 1;
            return;
        }

        if (_stepsSeen == 2)
        {
            _stepSecondsSum = 0;
            _stepsTimed = 0;
        }

        _stepSecondsSum += seconds;
        _stepsTimed++;
    }

    /// <summary>Records the wall time of one validation pass.</summary>
    public void RecordValidation(double seconds) => _validationSeconds = seconds;

    /// <summary>Re-plans <see cref="PlannedSteps"/> after <paramref name="stepsDone"/> steps and <paramref name="elapsed"/> of the budget.</summary>
    public void Replan(long stepsDone, TimeSpan elapsed)
    {
        if (_stepsTimed == 0)
        {
            return;
        }

        double step = _stepSecondsSum / _stepsTimed;
        double validation = _validationBatches == 0 ? 0 : _validationSeconds ?? (_validationBatches * step * UntimedValidationStepsPerBatch);
        double perStep = step + (validation / _stepsPerValidation);
        double remaining = (_budget - elapsed).TotalSeconds - validation;
        long more = remaining <= 0 ? 0 : (long)Math.Floor(remaining / perStep);
        PlannedSteps = Math.Clamp(stepsDone + more, 0, _maxSteps);
    }

    /// <summary>True when the planned steps are done (or the budget is spent): the run should stop at this step boundary.</summary>
    public bool Exhausted(long stepsDone, TimeSpan elapsed) => elapsed >= _budget || (HasPace && stepsDone >= PlannedSteps);
}
