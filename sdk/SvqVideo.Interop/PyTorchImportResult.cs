namespace SvqVideo.Interop;

/// <summary>What <see cref="PyTorchCheckpointImporter.Import"/> did. Immutable.</summary>
/// <param name="Path">The imported file.</param>
/// <param name="Format"><c>torch.save</c> (PyTorch's zip format), <c>legacy torch.save</c> (the pre-1.6 pickle format) or <c>safetensors</c>.</param>
/// <param name="TensorCount">Tensors copied into the model (every entry of its state dict).</param>
/// <param name="StrippedPrefix">The key prefix removed from every file key (<c>model.</c> or <c>module.</c>), or null when the keys matched as stored.</param>
/// <param name="UnwrappedEntry">The top-level entry the state dict was taken from (e.g. <c>state_dict</c> in a Lightning checkpoint), or null for a flat state dict.</param>
public sealed record PyTorchImportResult(string Path, string Format, int TensorCount, string? StrippedPrefix, string? UnwrappedEntry);
