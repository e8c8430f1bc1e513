using static TorchSharp.torch;

namespace SvqVideo.Plugins.Lfq;

/// <summary>
/// Token-level LFQ result: <see cref="Quantized"/> (…, Dimension), <see cref="Indices"/> (…), the
/// 0-dim <see cref="AuxLoss"/> (zero in eval) and its detached parts (zero in eval).
/// </summary>
internal sealed record LfqTokenOutput(Tensor Quantized, Tensor Indices, Tensor AuxLoss, Tensor PerSampleEntropy, Tensor CodebookEntropy, Tensor CommitLoss);
