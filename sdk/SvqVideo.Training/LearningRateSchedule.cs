namespace SvqVideo.Training;

/// <summary>
/// The learning rate (and, for OneCycle, Adam's β₁) of every training step, as a pure function of
/// the global step index. Being stateless, resuming a run needs only the step count. Thread-safe.
/// <list type="bullet">
/// <item><b>onecycle</b> — PyTorch <c>OneCycleLR(max_lr = lr, total_steps = epochs × steps_per_epoch,
/// pct_start 0.3, anneal cos, div_factor 25, final_div_factor 1e4, cycle_momentum, base 0.85, max 0.95)</c>:
/// step s of phase 1 (s ≤ 0.3·total − 1) anneals lr/25 → lr, then lr → lr/25/1e4 by the cosine
/// <c>end + (start − end)/2·(1 + cos(π·pct))</c>; β₁ runs the opposite way between 0.95 and 0.85.</item>
/// <item><b>cosine</b> — timm <c>CosineLRScheduler(t_initial = epochs, lr_min, warmup_lr_init, warmup_t)</c>
/// evaluated at the 0-based epoch index t: linear warm-up <c>warmup_lr + t·(lr − warmup_lr)/warmup_t</c>
/// for t &lt; warmup_t, else <c>lr_min + ½(lr − lr_min)(1 + cos(π·t/epochs))</c> (no warm-up prefix shift).</item>
/// <item><b>constant</b> — lr at every step.</item>
/// </list>
/// </summary>
public sealed class LearningRateSchedule
{
    /// <summary>OneCycle's div_factor (initial lr = max_lr / 25).</summary>
    public const double OneCycleDivFactor = 25;

    /// <summary>OneCycle's final_div_factor as OpenSTL sets it (final lr = initial lr / 1e4).</summary>
    public const double OneCycleFinalDivFactor = 1e4;

    /// <summary>OneCycle's pct_start (share of steps spent increasing the lr).</summary>
    public const double OneCyclePctStart = 0.3;

    /// <summary>OneCycle's β₁ at the peak learning rate.</summary>
    public const double OneCycleBaseMomentum = 0.85;

    /// <summary>OneCycle's β₁ at the start and end.</summary>
    public const double OneCycleMaxMomentum = 0.95;

    private readonly TrainingOptions _options;

    private LearningRateSchedule(TrainingOptions options, int stepsPerEpoch)
    {
        _options = options;
        StepsPerEpoch = stepsPerEpoch;
        TotalSteps = (long)options.Epochs * stepsPerEpoch;
    }

    /// <summary>The schedule kind.</summary>
    public ScheduleKind Kind => _options.Schedule;

    /// <summary>Training steps in one epoch.</summary>
    public int StepsPerEpoch { get; }

    /// <summary>Steps in the whole run (epochs × steps per epoch).</summary>
    public long TotalSteps { get; }

    /// <summary>Creates the schedule of <paramref name="options"/> for epochs of <paramref name="stepsPerEpoch"/> steps.</summary>
    /// <exception cref="ArgumentException">The options are invalid or <paramref name="stepsPerEpoch"/> is not positive.</exception>
    public static LearningRateSchedule Create(TrainingOptions options, int stepsPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (stepsPerEpoch < 1)
        {
            throw new ArgumentException($"steps per epoch must be positive, got {stepsPerEpoch}", nameof(stepsPerEpoch));
        }

        return new LearningRateSchedule(options, stepsPerEpoch);
    }

    /// <summary>The learning rate of global step <paramref name="step"/> (0-based; clamped to the run's last step).</summary>
    public double LearningRate(long step) => LearningRate(step, TotalSteps);

    /// <summary>
    /// The learning rate of global step <paramref name="step"/> when the run is planned to last
    /// <paramref name="plannedSteps"/> steps instead of <see cref="TotalSteps"/> (a wall-time budget, see
    /// <see cref="TrainingOptions.MaxWallTime"/>): OneCycle warms up over the first 30 % of the planned steps and
    /// anneals by their end; cosine decays over the planned steps (in fractional epochs); constant is constant.
    /// With <paramref name="plannedSteps"/> = <see cref="TotalSteps"/> this is exactly <see cref="LearningRate(long)"/>.
    /// </summary>
    public double LearningRate(long step, long plannedSteps)
    {
        long total = Math.Max(1, plannedSteps);
        long s = Math.Clamp(step, 0, total - 1);
        return Kind switch
        {
            ScheduleKind.OneCycle => OneCycle(s, total).Lr,
            ScheduleKind.Cosine when total == TotalSteps => Cosine(s / StepsPerEpoch, _options.Epochs),
            ScheduleKind.Cosine => Cosine((double)s / StepsPerEpoch, (double)total / StepsPerEpoch),
            _ => _options.LearningRate,
        };
    }

    /// <summary>Adam's β₁ at global step <paramref name="step"/> under OneCycle's momentum cycling; null for schedules that leave β₁ alone.</summary>
    public double? Beta1(long step) => Beta1(step, TotalSteps);

    /// <summary>β₁ of <see cref="Beta1(long)"/> for a run planned to last <paramref name="plannedSteps"/> steps.</summary>
    public double? Beta1(long step, long plannedSteps)
    {
        if (Kind != ScheduleKind.OneCycle)
        {
            return null;
        }

        long total = Math.Max(1, plannedSteps);
        return OneCycle(Math.Clamp(step, 0, total - 1), total).Beta1;
    }

    private (double Lr, double Beta1) OneCycle(long step, long totalSteps)
    {
        double maxLr = _options.LearningRate;
        double initialLr = maxLr / OneCycleDivFactor;
        double minLr = initialLr / OneCycleFinalDivFactor;
        if (totalSteps == 1)
        {
            return (maxLr, OneCycleBaseMomentum);
        }

        double warmEnd = (OneCyclePctStart * totalSteps) - 1;
        double lastStep = totalSteps - 1;
        if (step <= warmEnd)
        {
            double pct = step / warmEnd;
            return (Anneal(initialLr, maxLr, pct), Anneal(OneCycleMaxMomentum, OneCycleBaseMomentum, pct));
        }

        double pct2 = (step - warmEnd) / (lastStep - warmEnd);
        return (Anneal(maxLr, minLr, pct2), Anneal(OneCycleBaseMomentum, OneCycleMaxMomentum, pct2));
    }

    private double Cosine(double epoch, double epochs)
    {
        double lr = _options.LearningRate;
        int warmup = _options.WarmupEpochs;
        if (warmup > 0 && epoch < warmup)
        {
            return _options.WarmupLearningRate + (epoch * (lr - _options.WarmupLearningRate) / warmup);
        }

        if (epoch >= epochs)
        {
            return _options.MinLearningRate;
        }

        return _options.MinLearningRate + (0.5 * (lr - _options.MinLearningRate) * (1 + Math.Cos(Math.PI * epoch / epochs)));
    }

    private static double Anneal(double start, double end, double pct) => end + ((start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1));
}
