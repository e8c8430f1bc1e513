using Microsoft.ML.OnnxRuntime;

namespace SvqVideo.Plugins.Onnx;

/// <summary>
/// An exported model as an <see cref="IFramePredictor"/>: the contexts of a batch go through the graph in one run,
/// and horizons past one pass are rolled out here, outside the graph, exactly as the TorchSharp models do (each
/// pass's unclipped output, joined to the context, gives the next pass's last T_in frames); the result is clipped
/// to [0, 1] at the end. <see cref="ForecastOptions.AdditionalProperties"/> may set <c>clip</c> to false for the
/// unclipped values (what metrics score). Owns the session. One thread at a time.
/// </summary>
internal sealed class OnnxFramePredictor : IFramePredictor
{
    private readonly OnnxModelFile _model;
    private readonly RunOptions _run = new();
    private bool _disposed;

    public OnnxFramePredictor(OnnxModelFile model, string version)
    {
        _model = model;
        var m = model.Metadata;
        Metadata = new PredictorMetadata("onnx", version, SdkVersion.Major, m.FramesIn, m.FramesOut, m.Channels, m.Height, m.Width)
        {
            Description = $"{m.Family} {m.ModelType} {m.FramesIn}->{m.FramesOut} at {m.Channels}x{m.Height}x{m.Width}, quantizer {m.Quantizer} (ONNX Runtime, {model.Provider}, opset {m.Opset})",
        };
    }

    public PredictorMetadata Metadata { get; }

    public FrameClip Predict(FrameClip context, ForecastOptions? options = null, CancellationToken cancellationToken = default)
        => PredictBatch([context], options, cancellationToken)[0];

    public IReadOnlyList<FrameClip> PredictBatch(IReadOnlyList<FrameClip> contexts, ForecastOptions? options = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(contexts);
        if (contexts.Count == 0)
        {
            return [];
        }

        var m = _model.Metadata;
        int horizon = options?.Frames ?? m.FramesOut;
        if (horizon < 1)
        {
            throw new ArgumentException($"frames to forecast must be at least 1, got {horizon}");
        }

        int batch = contexts.Count, frameLength = m.Channels * m.Height * m.Width;
        long contextLength = (long)m.FramesIn * frameLength;
        var input = new float[batch * contextLength];
        for (int b = 0; b < batch; b++)
        {
            var c = contexts[b];
            if (c.Channels != m.Channels || c.Height != m.Height || c.Width != m.Width)
            {
                throw new ArgumentException($"context {b} has frames of {c.Channels}x{c.Height}x{c.Width}; the model needs {m.Channels}x{m.Height}x{m.Width}");
            }

            if (c.Frames < m.FramesIn)
            {
                throw new ArgumentException($"context {b} has {c.Frames} frames; the model needs at least {m.FramesIn}");
            }

            c.Data.Span.Slice((c.Frames - m.FramesIn) * frameLength, (int)contextLength).CopyTo(input.AsSpan((int)(b * contextLength)));
        }

        var forecast = Rollout(input, batch, horizon, frameLength, cancellationToken);
        bool clip = !(options?.AdditionalProperties is { } extra && extra.TryGetValue("clip", out var flag) && flag is false);
        var result = new FrameClip[batch];
        long per = (long)horizon * frameLength;
        for (int b = 0; b < batch; b++)
        {
            var frames = forecast.AsSpan((int)(b * per), (int)per).ToArray();
            if (clip)
            {
                for (int i = 0; i < frames.Length; i++)
                {
                    frames[i] = Math.Clamp(frames[i], 0f, 1f);
                }
            }

            result[b] = new FrameClip(frames, horizon, m.Channels, m.Height, m.Width);
        }

        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ExportedModelMetadata))
        {
            return _model.Metadata;
        }

        if (serviceType == typeof(InferenceSession))
        {
            return _model.Session;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _run.Dispose();
            _model.Dispose();
        }
    }

    /// <summary>(B, horizon, C, H, W) unclipped: passes until the horizon is covered, the last one truncated.</summary>
    private float[] Rollout(float[] context, int batch, int horizon, int frameLength, CancellationToken cancellationToken)
    {
        var m = _model.Metadata;
        int perPass = m.FramesPerPass, framesIn = m.FramesIn;
        var forecast = new float[(long)batch * horizon * frameLength];
        for (int produced = 0; produced < horizon; produced += perPass)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var output = Run(context, batch);
            int take = Math.Min(perPass, horizon - produced);
            for (int b = 0; b < batch; b++)
            {
                output.AsSpan(b * perPass * frameLength, take * frameLength)
                    .CopyTo(forecast.AsSpan((int)(((long)b * horizon + produced) * frameLength)));
            }

            if (produced + perPass < horizon)
            {
                context = NextContext(context, output, batch, framesIn, perPass, frameLength);
            }
        }

        return forecast;
    }

    /// <summary>The last T_in frames of context + output for every clip (the output itself when a pass makes T_in frames, as SimVP's do).</summary>
    private static float[] NextContext(float[] context, float[] output, int batch, int framesIn, int perPass, int frameLength)
    {
        if (perPass == framesIn)
        {
            return output;
        }

        var next = new float[(long)batch * framesIn * frameLength];
        int fromOutput = Math.Min(perPass, framesIn), fromContext = framesIn - fromOutput;
        for (int b = 0; b < batch; b++)
        {
            var target = next.AsSpan(b * framesIn * frameLength, framesIn * frameLength);
            context.AsSpan(((b * framesIn) + framesIn - fromContext) * frameLength, fromContext * frameLength).CopyTo(target);
            output.AsSpan(((b * perPass) + perPass - fromOutput) * frameLength, fromOutput * frameLength).CopyTo(target[(fromContext * frameLength)..]);
        }

        return next;
    }

    private float[] Run(float[] context, int batch)
    {
        var m = _model.Metadata;
        using var input = OrtValue.CreateTensorValueFromMemory(context, [batch, m.FramesIn, m.Channels, m.Height, m.Width]);
        using var outputs = _model.Session.Run(_run, [ExportedModelMetadata.InputName], [input], [ExportedModelMetadata.OutputName]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
