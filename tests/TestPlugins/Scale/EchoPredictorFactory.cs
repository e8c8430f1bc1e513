namespace SvqVideo.TestPlugins.Scale;

/// <summary>Test predictor "echo": repeats the last context frame (host-facing SDK only, no tensors).</summary>
internal sealed class EchoPredictorFactory : IFramePredictorFactory
{
    public string Name => "echo";

    public string Description => "test predictor repeating the last frame";

    public IFramePredictor Create(PredictorCreateOptions options) => new EchoPredictor();

    private sealed class EchoPredictor : IFramePredictor
    {
        public PredictorMetadata Metadata { get; } = new("echo", "1.0.0", SdkVersion.Major, 2, 3, 1, 4, 4);

        public FrameClip Predict(FrameClip context, ForecastOptions? options = null, CancellationToken cancellationToken = default)
        {
            int frames = options?.Frames ?? Metadata.FramesOut;
            var last = context.Frame(context.Frames - 1);
            var data = new float[frames * last.Length];
            for (int i = 0; i < frames; i++)
            {
                last.CopyTo(data.AsSpan(i * last.Length));
            }

            return new FrameClip(data, frames, context.Channels, context.Height, context.Width);
        }

        public IReadOnlyList<FrameClip> PredictBatch(IReadOnlyList<FrameClip> contexts, ForecastOptions? options = null, CancellationToken cancellationToken = default) =>
            contexts.Select(c => Predict(c, options, cancellationToken)).ToList();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
