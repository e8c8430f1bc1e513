using SvqVideo.Datasets;

namespace SvqVideo.Cli;

/// <summary>Datasets beyond the built-in kinds of <see cref="RunPlan"/>.</summary>
internal static class DatasetExtensions
{
    public static (IClipDataset Train, IClipDataset Validation, IClipDataset Test) Open(string kind, RunPlan plan, string root) =>
        throw new CliException(ExitCodes.Usage, $"unknown dataset '{kind}' (use mmnist, kth, human, kitticaltech or videos)");
}
