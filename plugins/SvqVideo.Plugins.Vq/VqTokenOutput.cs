using static TorchSharp.torch;

namespace SvqVideo.Plugins.Vq;

/// <summary>
/// Token-level result, shaped like the reference's return values: <see cref="Quantized"/> (…, D),
/// <see cref="Indices"/> (…) or (…, Q), <see cref="Loss"/> (1) or (1, Q), <see cref="Expired"/> (1, K)
/// or (Q, K) int64 (1 = the code was replaced by dead-code expiry in this call).
/// </summary>
internal sealed record VqTokenOutput(Tensor Quantized, Tensor Indices, Tensor Loss, Tensor Expired);
