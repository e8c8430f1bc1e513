using TorchSharp;
using static TorchSharp.torch;

namespace SvqVideo.Torch;

/// <summary>
/// Adapts any <see cref="IForecastModel"/> to the host-facing <see cref="IFramePredictor"/>:
/// clips become tensors on the model's device, the model forecasts in eval and inference mode
/// (rolling out autoregressively past its horizon), and the result is clipped to [0, 1].
/// Owns the model (disposes it). One thread at a time.
/// </summary>
public sealed class TorchFramePredictor : IFramePredictor, IMotionFramePredictor
{
    private readonly IForecastModel _model;
    private readonly Device _device;
    private bool _disposed;

    /// <summary>Wraps <paramref name="model"/>, moving it to <paramref name="device"/> and switching it to eval mode.</summary>
    public TorchFramePredictor(IForecastModel model, Device device, string version)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(device);
        _model = model;
        _device = device;
        _model.Module.to(device);
        _model.Module.eval();
        var c = model.Config;
        string q = model.Quantizer is null ? "no quantizer" : $"quantizer {model.Quantizer.Options.Kind}";
        Metadata = new PredictorMetadata(c.Family, version, SdkVersion.Major, c.FramesIn, c.FramesOut, c.Channels, c.Height, c.Width)
        {
            Description = $"{c.Family} {c.GetString("model_type", "")} {c.FramesIn}->{c.FramesOut} at {c.Channels}x{c.Height}x{c.Width}, {q}".Replace("  ", " ", StringComparison.Ordinal),
        };
    }

    /// <inheritdoc />
    public PredictorMetadata Metadata { get; }

    /// <summary>The device the model runs on.</summary>
    public Device Device => _device;

    /// <inheritdoc />
    public FrameClip Predict(FrameClip context, ForecastOptions? options = null, CancellationToken cancellationToken = default)
        => PredictBatch([context], options, cancellationToken)[0];

    /// <inheritdoc />
    public IReadOnlyList<FrameClip> PredictBatch(IReadOnlyList<FrameClip> contexts, ForecastOptions? options = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(contexts);
        if (contexts.Count == 0)
        {
            return [];
        }

        int horizon = Horizon(options);
        var input = Input(contexts);
        cancellationToken.ThrowIfCancellationRequested();
        float[] output;
        using (var scope = NewDisposeScope())
        using (inference_mode())
        {
            var y = _model.Forecast(input.ToTensor(_device), horizon).clamp(0, 1).cpu().contiguous();
            output = y.data<float>().ToArray();
        }

        return Split(output, contexts.Count, horizon);
    }

    /// <summary>
    /// Forecasts like <see cref="Predict"/>; when the model forecasts by moving pixels (an <see cref="IMotionForecastModel"/>
    /// whose configuration warps) the flow comes with the frames.
    /// </summary>
    /// <inheritdoc />
    public MotionForecast PredictWithMotion(FrameClip context, ForecastOptions? options = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(context);
        if (_model is not IMotionForecastModel motion)
        {
            return new MotionForecast(Predict(context, options, cancellationToken));
        }

        int horizon = Horizon(options);
        var input = Input([context]);
        cancellationToken.ThrowIfCancellationRequested();
        float[] frames;
        float[]? flow;
        IReadOnlyList<int> sources;
        using (NewDisposeScope())
        using (inference_mode())
        {
            var (prediction, f, s) = motion.ForecastWithFlow(input.ToTensor(_device), horizon);
            frames = prediction.clamp(0, 1).cpu().contiguous().data<float>().ToArray();
            flow = f?.cpu().contiguous().data<float>().ToArray();
            sources = s;
        }

        var clip = Split(frames, 1, horizon)[0];
        return flow is null ? new MotionForecast(clip) : new MotionForecast(clip, flow, sources);
    }

    private int Horizon(ForecastOptions? options)
    {
        int horizon = options?.Frames ?? Metadata.FramesOut;
        if (horizon < 1)
        {
            throw new ArgumentException($"frames to forecast must be at least 1, got {horizon}");
        }

        return horizon;
    }

    /// <summary>The last FramesIn frames of each context, checked against the model's frame shape, as one (B, FramesIn, C, H, W) batch.</summary>
    private Batch Input(IReadOnlyList<FrameClip> contexts)
    {
        var m = Metadata;
        int frameLength = m.Channels * m.Height * m.Width;
        var input = new float[(long)contexts.Count * m.FramesIn * frameLength];
        for (int b = 0; b < contexts.Count; b++)
        {
            var c = contexts[b];
            ArgumentNullException.ThrowIfNull(c);
            if (c.Channels != m.Channels || c.Height != m.Height || c.Width != m.Width)
            {
                throw new ArgumentException($"context {b} has frames of {c.Channels}x{c.Height}x{c.Width}; the model needs {m.Channels}x{m.Height}x{m.Width}");
            }

            if (c.Frames < m.FramesIn)
            {
                throw new ArgumentException($"context {b} has {c.Frames} frames; the model needs at least {m.FramesIn}");
            }

            c.Data.Span.Slice((c.Frames - m.FramesIn) * frameLength, m.FramesIn * frameLength)
                .CopyTo(input.AsSpan(b * m.FramesIn * frameLength, m.FramesIn * frameLength));
        }

        return new Batch(input, [contexts.Count, m.FramesIn, m.Channels, m.Height, m.Width]);
    }

    /// <summary>(B, T, C, H, W) values, row-major, as B clips of T frames of the model's shape.</summary>
    private FrameClip[] Split(float[] output, int count, int frames)
    {
        var m = Metadata;
        var result = new FrameClip[count];
        long per = (long)frames * m.Channels * m.Height * m.Width;
        for (int b = 0; b < count; b++)
        {
            result[b] = new FrameClip(output.AsSpan((int)(b * per), (int)per).ToArray(), frames, m.Channels, m.Height, m.Width);
        }

        return result;
    }

    private readonly record struct Batch(float[] Values, long[] Shape)
    {
        public Tensor ToTensor(Device device) => tensor(Values, Shape).to(device);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType.IsInstanceOfType(_model))
        {
            return _model;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _model.Dispose();
        }
    }
}
