using SvqVideo.Datasets;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Training;

/// <summary>
/// One validation pass of the trainer: the validation loss, the copy-last-frame loss and the quantizer's diagnostics,
/// in eval mode. Cancellation is checked before every batch; a cancelled pass leaves the model's mode and torch's
/// generator as it found them, so the run can be saved and resumed as if the pass had never started.
/// </summary>
internal sealed class ValidationPass
{
    private static readonly IReadOnlyDictionary<string, double> NoDiagnostics = new Dictionary<string, double>();

    private readonly TrainingContext _run;
    private readonly Lazy<ClipBatchLoader> _loader;

    public ValidationPass(TrainingContext run)
    {
        _run = run;
        _loader = new(() => Evaluation.InOrder(Clips, run.Options.BatchSize));
    }

    /// <summary>Batches of one pass (0 without a validation set).</summary>
    public int Batches => _run.Validation is null ? 0 : (Clips.Count + _run.Options.BatchSize - 1) / _run.Options.BatchSize;

    private IClipDataset Clips => ClipSubset.Of(_run.Validation!, _run.Options.MaxValidationClips);

    /// <summary>
    /// Validation loss, the copy-last-frame loss (computed unless <paramref name="knownBaseline"/> is given), and — when the
    /// model exposes its latents (<see cref="ILatentEncoder"/>) and its quantizer diagnoses them
    /// (<see cref="IQuantizerDiagnostics"/>, e.g. SVQ's perplexity at θ = 2) — the diagnostics of the first batch's latents.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the pass ended.</exception>
    public (double Loss, double Baseline, IReadOnlyDictionary<string, double> Diagnostics) Run(double? knownBaseline, CancellationToken cancellationToken)
    {
        var data = _run.Validation!;
        var model = _run.Model;
        bool wasTraining = model.Module.training;
        using var generator = get_rng_state();
        model.Module.eval();
        double sum = 0;
        double baselineSum = 0;
        IReadOnlyDictionary<string, double>? diagnostics = null;
        try
        {
            foreach (var batch in _loader.Value.Epoch(0, cancellationToken))
            {
                using var disposeBatch = batch;
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                using var _ = inference_mode();
                var (x, y) = Evaluation.ToTensors(batch, data.FramesIn);
                int count = batch.Size;
                x = x.to(_run.Device);
                y = y.to(_run.Device);
                var prediction = model.Forecast(x, (int)y.shape[1]);
                sum += ForecastPass.Loss(_run.Options, prediction, y, x).item<float>() * count;
                if (knownBaseline is null)
                {
                    baselineSum += ForecastPass.Loss(_run.Options, Evaluation.CopyLastFrame(x, (int)y.shape[1]), y, x).item<float>() * count;
                }

                if (diagnostics is null && model is ILatentEncoder encoder && model.Quantizer is IQuantizerDiagnostics diagnose)
                {
                    diagnostics = diagnose.Diagnose(encoder.EncodeLatents(x));
                }
            }
        }
        catch (OperationCanceledException)
        {
            set_rng_state(generator);
            throw;
        }
        finally
        {
            model.Module.train(wasTraining);
        }

        int clips = Clips.Count;
        return (sum / clips, knownBaseline ?? baselineSum / clips, diagnostics ?? NoDiagnostics);
    }
}
