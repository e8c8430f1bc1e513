using static TorchSharp.torch;

namespace SvqVideo.Plugins.Vq;

/// <summary>
/// Chooses <paramref name="count"/> rows (int64 indices on <paramref name="device"/>) among
/// <paramref name="rows"/> codebook inputs to replace expired codes with. The default draws without
/// replacement when enough rows exist (randperm), otherwise with replacement (randint), from torch's
/// global generator, like the reference; tests inject the rows a fixture recorded.
/// </summary>
internal delegate Tensor ReplacementRowSampler(long rows, long count, Device device);
