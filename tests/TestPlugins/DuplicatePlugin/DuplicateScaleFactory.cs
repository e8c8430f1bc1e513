using SvqVideo.Torch;

namespace SvqVideo.TestPlugins.Duplicate;

/// <summary>Claims the name of the 'scale' test plugin, to test duplicate detection.</summary>
internal sealed class DuplicateScaleFactory : IQuantizerFactory
{
    public string Name => "scale";

    public string Description => "duplicate of scale";

    public QuantizerOptions DefaultOptions(int dimension) => new() { Kind = Name, Dimension = dimension };

    public IQuantizer Create(QuantizerOptions options) => throw new NotSupportedException("never created in tests");
}
