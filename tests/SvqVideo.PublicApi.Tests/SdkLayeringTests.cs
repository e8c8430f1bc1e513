using System.Reflection;

namespace SvqVideo.PublicApi.Tests;

/// <summary>
/// The SDK's layering, read from the compiled assemblies' references: contracts (Abstractions, and Data for clip
/// datasets) → tensor contracts (Abstractions.Torch) → the libraries a host picks from (Hosting, Training, Interop,
/// Metrics; Onnx's references are not read here, since this project does not reference it). No SDK assembly reaches the OpenCV/HDF5 dataset readers, directly or through another one.
/// </summary>
public sealed class SdkLayeringTests
{
    private static readonly string[] Contracts = ["SvqVideo.Abstractions", "SvqVideo.Data"];
    private static readonly string[] TensorContracts = [.. Contracts, "SvqVideo.Abstractions.Torch"];

    /// <summary>Each SDK assembly and the SvqVideo assemblies it may reference: only layers below it.</summary>
    public static TheoryData<string, string[]> Layers => new()
    {
        { "SvqVideo.Abstractions", [] },
        { "SvqVideo.Data", [] },
        { "SvqVideo.Abstractions.Torch", Contracts },
        { "SvqVideo.Hosting", TensorContracts },
        { "SvqVideo.Training", TensorContracts },
        { "SvqVideo.Interop", TensorContracts },
        { "SvqVideo.Metrics", [.. TensorContracts, "SvqVideo.Interop"] },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void EachSdkAssemblyReferencesOnlyTheLayersBelowIt(string assembly, string[] allowed)
    {
        var sideways = Assembly.Load(assembly).GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("SvqVideo.", StringComparison.Ordinal))
            .Except(allowed, StringComparer.Ordinal)
            .ToList();
        Assert.Empty(sideways);
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void NoSdkAssemblyPullsInOpenCvOrTheDatasetReaders(string assembly, string[] allowed)
    {
        _ = allowed;
        var reached = References(assembly);
        Assert.DoesNotContain(reached, n => n.StartsWith("OpenCvSharp", StringComparison.Ordinal)
            || n.StartsWith("PureHDF", StringComparison.Ordinal)
            || n == "SvqVideo.Datasets");
    }

    [Fact]
    public void TrainingTakesItsClipDatasetsFromTheDependencyFreeAssembly()
    {
        var training = typeof(SvqVideo.Training.Trainer).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.Contains("SvqVideo.Data", training);
        Assert.Equal("SvqVideo.Data", typeof(SvqVideo.Datasets.IClipDataset).Assembly.GetName().Name);
        Assert.All(typeof(SvqVideo.Datasets.IClipDataset).Assembly.GetReferencedAssemblies(), a =>
            Assert.True(a.Name!.StartsWith("System.", StringComparison.Ordinal), $"SvqVideo.Data references {a.Name}"));
    }

    /// <summary>Every assembly name reached from <paramref name="root"/> through SvqVideo assemblies.</summary>
    private static HashSet<string> References(string root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([root]);
        while (pending.TryPop(out var name))
        {
            foreach (var reference in Assembly.Load(name).GetReferencedAssemblies())
            {
                if (seen.Add(reference.Name!) && reference.Name!.StartsWith("SvqVideo.", StringComparison.Ordinal))
                {
                    pending.Push(reference.Name);
                }
            }
        }

        return seen;
    }
}
