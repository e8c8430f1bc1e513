namespace SvqVideo.Torch.Onnx;

/// <summary>
/// An optional capability of forecasting models, quantizers and their modules: they can write their own
/// eval-mode inference computation as ONNX nodes. The exporter finds it on a model (or on the predictor, through
/// <see cref="IFramePredictor.GetService"/>), and a model finds it on its quantizer the same way, so each plugin
/// contributes the subgraph of what it implements and no exporter needs to know any plugin's internals.
/// Implementations that cannot express some configuration exactly throw <see cref="OnnxExportNotSupportedException"/>;
/// they never write an approximation.
/// </summary>
public interface IOnnxExportable
{
    /// <summary>
    /// Appends this module's inference computation (eval mode: running statistics, no dropout, no stochastic depth,
    /// no training-only state updates) to <paramref name="graph"/>, reading the value named <paramref name="input"/>,
    /// and returns the name of the value it produces. Models read frames (B, T_in, C, H, W) and produce
    /// (B, frames per pass, C, H, W); quantizers read latents (N, C, H, W) and produce the quantized latents of
    /// the same shape. Weights are copied into the graph; the module is not changed.
    /// </summary>
    /// <exception cref="OnnxExportNotSupportedException">This configuration has no exact ONNX form (the message says which part).</exception>
    string ExportOnnx(IOnnxGraph graph, string input);
}
