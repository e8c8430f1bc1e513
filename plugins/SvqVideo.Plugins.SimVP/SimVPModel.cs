using SvqVideo.Torch;
using SvqVideo.Torch.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.SimVP;

/// <summary>
/// OpenSTL's <c>SimVP_Model</c>, and with a quantizer SVQ-Forecasting's <c>SimVPVQ_Model</c>: frames
/// (B, T, C, H, W) are encoded frame by frame, the latents (optionally quantized, <c>pre</c>) are stacked
/// along channels as (B, T·hid_S, h, w) for the translator, its output (optionally quantized, <c>post</c>) is
/// decoded with the first encoder layer's skip. State-dict keys <c>enc.*</c>, <c>hid.*</c>, <c>dec.*</c> and
/// <c>vq.vq.*</c> are the reference's. With <c>residual</c> the decoder's output is added to the last context
/// frame (see <see cref="SimVPSettings.Residual"/>). Built in training mode on the CPU. Not thread-safe.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class SimVPModel : nn.Module, IMotionForecastModel, ILatentEncoder, IOnnxExportable
{
    private readonly Encoder enc;
    private readonly nn.Module<Tensor, Tensor> hid;
    private readonly Decoder dec;
    private readonly LatentQuantization? vq;

    private readonly SimVPSettings _settings;
    private readonly ModelConfig _config;
    private readonly IQuantizer? _quantizer;
    private bool _disposed;

    public SimVPModel(ModelConfig config, SimVPSettings settings, IQuantizer? quantizer)
        : base("SimVP_Model")
    {
        _config = config;
        _settings = settings;
        var s = settings;
        enc = new Encoder(s.Channels, s.HidS, s.NS, s.KernelEnc);
        hid = s.IsIncepU
            ? new MidIncepNet(s.TranslatorChannels, s.HidT, s.NT)
            : new MidMetaNet(s.TranslatorChannels, s.HidT, s.NT, s.ModelType, s.MlpRatio, s.Drop, s.DropPath, s.Latent);
        dec = new Decoder(s.HidS, s.DecoderChannels, s.NS, s.KernelDec);
        if (s.Residual)
        {
            dec.ZeroReadout();
        }

        if (quantizer is not null)
        {
            vq = new LatentQuantization(quantizer);
        }

        RegisterComponents();
        _quantizer = quantizer;
    }

    public ModelConfig Config => _config;

    public IQuantizer? Quantizer => _quantizer;

    public nn.Module Module => this;

    public int FramesPerPass => _settings.FramesIn;

    internal SimVPSettings Settings => _settings;

    public ForecastModelOutput Forward(Tensor frames)
    {
        ValidateFrames(frames);
        var s = _settings;
        long b = frames.shape[0];
        using var scope = NewDisposeScope();
        var (latent, enc1) = enc.forward(frames.reshape(b * s.FramesIn, s.Channels, s.Height, s.Width));
        QuantizerOutput? q = null;
        if (vq is not null && s.Placement == QuantizerPlacement.Pre)
        {
            q = vq.Quantize(latent);
            latent = q.Quantized;
        }

        var (h, w) = s.Latent;
        var z = hid.forward(latent.reshape(b, s.TranslatorChannels, h, w)).reshape(b * s.FramesIn, s.HidS, h, w);
        if (vq is not null && s.Placement == QuantizerPlacement.Post)
        {
            q = vq.Quantize(z);
            z = q.Quantized;
        }

        var decoded = dec.forward(z, enc1);
        Tensor y;
        Tensor? flow = null;
        if (s.Warp)
        {
            // Each forecast frame is the last context frame moved along its predicted flow, plus its predicted change.
            var last = frames.narrow(1, s.FramesIn - 1, 1).expand(b, s.FramesIn, s.Channels, s.Height, s.Width).reshape(b * s.FramesIn, s.Channels, s.Height, s.Width);
            var pixelFlow = FlowWarp.PixelFlow(decoded, s.Channels, (float)s.WarpScale);
            if (s.FlowPrior)
            {
                pixelFlow = pixelFlow + PriorFlow(frames);
            }

            y = FlowWarp.Apply(decoded, last, pixelFlow).reshape(b, s.FramesIn, s.Channels, s.Height, s.Width);
            flow = pixelFlow.reshape(b, s.FramesIn, 2, s.Height, s.Width);
        }
        else if (s.Residual)
        {
            y = decoded.reshape(b, s.FramesIn, s.Channels, s.Height, s.Width);
            // The network's output is the change from the last context frame, the same for every step ahead.
            y = y + frames.narrow(1, s.FramesIn - 1, 1);
        }
        else
        {
            y = decoded.reshape(b, s.FramesIn, s.Channels, s.Height, s.Width);
        }

        var aux = q is null ? zeros([], dtype: y.dtype, device: y.device) : q.AuxLoss.alias();
        if (q is not null)
        {
            MoveToOuter(scope, q);
        }

        return new ForecastModelOutput(scope.MoveToOuter(y), scope.MoveToOuter(aux), q) { Flow = flow is null ? null : scope.MoveToOuter(flow) };
    }

    /// <summary>
    /// <see cref="SimVPSettings.FlowPrior"/>: the last context frame's motion since the frame before it, extrapolated at
    /// constant velocity, (B·T, 2, H, W) with step k (from 1) at k times the motion.
    /// </summary>
    private Tensor PriorFlow(Tensor frames)
    {
        var s = _settings;
        long b = frames.shape[0];
        using var scope = NewDisposeScope();
        var motion = MotionEstimation.Estimate(frames.select(1, s.FramesIn - 2), frames.select(1, s.FramesIn - 1));
        return scope.MoveToOuter(MotionEstimation.CarriedOn(motion, s.FramesIn).reshape(b * s.FramesIn, 2, s.Height, s.Width));
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The passes' tensors belong to the dispose scope opened here, which frees them.")]
    public Tensor Forecast(Tensor frames, int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        ValidateFrames(frames);
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(ForecastRollout.Run(this, frames, horizon).Prediction);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The passes' tensors belong to the dispose scope opened here, which frees them.")]
    public (Tensor Prediction, Tensor? Flow, IReadOnlyList<int> Sources) ForecastWithFlow(Tensor frames, int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        ValidateFrames(frames);
        using var scope = NewDisposeScope();
        var (prediction, flow, sources) = ForecastRollout.RunWithFlow(this, frames, horizon);
        return (scope.MoveToOuter(prediction), flow is null ? null : scope.MoveToOuter(flow), sources);
    }

    /// <summary>
    /// The eval-mode forward pass as ONNX nodes, from frames (B, T_in, C, H, W) to (B, T_in, C, H, W) with a dynamic
    /// B: the same reshapes as <see cref="Forward"/>, each part's own subgraph (encoder, quantizer, translator,
    /// decoder), and with <c>residual</c> the last context frame added, so the graph forecasts what the model does.
    /// </summary>
    /// <exception cref="OnnxExportNotSupportedException">The translator or the quantizer has no ONNX form.</exception>
    public string ExportOnnx(IOnnxGraph graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var s = _settings;
        var (h, w) = s.Latent;
        string images = graph.Reshape(input, -1, s.Channels, s.Height, s.Width);
        string latent, enc1;
        using (graph.Scope("enc"))
        {
            (latent, enc1) = enc.ExportOnnx(graph, images);
        }

        if (vq is not null && s.Placement == QuantizerPlacement.Pre)
        {
            latent = vq.ExportOnnx(graph, latent);
        }

        string z;
        using (graph.Scope("hid"))
        {
            string stacked = graph.Reshape(latent, -1, s.TranslatorChannels, h, w);
            z = hid switch
            {
                MidMetaNet meta => meta.ExportOnnx(graph, stacked),
                MidIncepNet incep => incep.ExportOnnx(graph, stacked),
                _ => throw new OnnxExportNotSupportedException($"simvp translator {hid.GetName()} has no ONNX form"),
            };
            z = graph.Reshape(z, -1, s.HidS, h, w);
        }

        if (vq is not null && s.Placement == QuantizerPlacement.Post)
        {
            z = vq.ExportOnnx(graph, z);
        }

        string decoded;
        using (graph.Scope("dec"))
        {
            decoded = dec.ExportOnnx(graph, z, enc1);
        }

        string y;
        if (s.Warp)
        {
            // As in Forward: the last context frame, repeated for every step, moved along each step's flow, plus the change.
            string last = graph.Op("Expand", [graph.Slice(input, 1, s.FramesIn - 1, s.FramesIn), graph.Int64s("steps", 1, s.FramesIn, 1, 1, 1)]);
            string? prior = null;
            if (s.FlowPrior)
            {
                // As in PriorFlow: the last context frame's motion, times 1..T for the T steps.
                string motion = MotionEstimation.ExportOnnx(graph, graph.Reshape(graph.Slice(input, 1, s.FramesIn - 2, s.FramesIn - 1), -1, s.Channels, s.Height, s.Width), graph.Reshape(graph.Slice(input, 1, s.FramesIn - 1, s.FramesIn), -1, s.Channels, s.Height, s.Width), s.Channels, s.Height, s.Width);
                using (NewDisposeScope())
                {
                    string steps = graph.Initializer("prior_steps", MotionEstimation.StepFactors(s.FramesIn, ScalarType.Float32, CPU));
                    prior = graph.Reshape(graph.Op("Mul", [graph.Op("Unsqueeze", [motion, graph.Int64s("step_axis", 1)]), steps]), -1, 2, s.Height, s.Width);
                }
            }

            string warped = FlowWarp.ExportOnnx(graph, decoded, graph.Reshape(last, -1, s.Channels, s.Height, s.Width), s.Channels, s.Height, s.Width, (float)s.WarpScale, prior);
            return graph.Reshape(warped, -1, s.FramesIn, s.Channels, s.Height, s.Width);
        }

        y = graph.Reshape(decoded, -1, s.FramesIn, s.Channels, s.Height, s.Width);
        if (s.Residual)
        {
            // As in Forward: every forecast frame is the last context frame plus the network's output.
            y = graph.Op("Add", [y, graph.Slice(input, 1, s.FramesIn - 1, s.FramesIn)]);
        }

        return y;
    }

    /// <summary>The encoder's latent (B·T, hid_S, h, w) and full-resolution skip for frames (B, T, C, H, W); the latent is what a <c>pre</c> quantizer receives.</summary>
    internal (Tensor Latent, Tensor Enc1) Encode(Tensor frames)
    {
        ValidateFrames(frames);
        var s = _settings;
        return enc.forward(frames.reshape(frames.shape[0] * s.FramesIn, s.Channels, s.Height, s.Width));
    }

    /// <summary>
    /// The latents at the quantizer's input (N = B·T, hid_S, h, w): the encoder's output for <c>pre</c> placement,
    /// the translator's output for <c>post</c>. Without a quantizer, the encoder's output.
    /// </summary>
    public Tensor EncodeLatents(Tensor frames)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var s = _settings;
        var latent = Encode(frames).Latent;
        if (vq is null || s.Placement == QuantizerPlacement.Pre)
        {
            return scope.MoveToOuter(latent);
        }

        long b = frames.shape[0];
        var (h, w) = s.Latent;
        var translated = hid.forward(latent.reshape(b, s.TranslatorChannels, h, w)).reshape(b * s.FramesIn, s.HidS, h, w);
        return scope.MoveToOuter(translated);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            base.Dispose(disposing);
            if (_quantizer is not null && !ReferenceEquals(_quantizer, _quantizer.Module))
            {
                _quantizer.Dispose();
            }

            return;
        }

        base.Dispose(disposing);
    }

    private void ValidateFrames(Tensor frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var s = _settings;
        if (frames.dim() != 5 || frames.shape[1] != s.FramesIn || frames.shape[2] != s.Channels || frames.shape[3] != s.Height || frames.shape[4] != s.Width)
        {
            throw new ArgumentException(
                $"simvp expects frames (B, {s.FramesIn}, {s.Channels}, {s.Height}, {s.Width}) as (B, T_in, C, H, W), got ({string.Join(", ", frames.shape)})",
                nameof(frames));
        }

        if (!frames.is_floating_point())
        {
            throw new ArgumentException($"simvp expects floating-point frames in [0, 1], got {frames.dtype}", nameof(frames));
        }
    }

    private static void MoveToOuter(DisposeScope scope, QuantizerOutput q)
    {
        scope.MoveToOuter(q.Quantized);
        scope.MoveToOuter(q.AuxLoss);
        if (q.Indices is { } indices)
        {
            scope.MoveToOuter(indices);
        }

        if (q.CodeUsage is { } usage)
        {
            scope.MoveToOuter(usage);
        }

        foreach (var metric in q.Metrics.Values)
        {
            scope.MoveToOuter(metric);
        }
    }
}
