using SvqVideo.Torch;
using Xunit;
using static TorchSharp.torch;

namespace SvqVideo.Testing;

/// <summary>
/// Device loop for numerical tests: every test that takes a device name runs on the CPU and, when
/// CUDA is usable, on the GPU. On a machine without CUDA the "cuda" rows are skipped with that reason.
/// </summary>
public static class TestDevices
{
    /// <summary>Device names to use as theory rows: always <c>cpu</c> and <c>cuda</c>.</summary>
    public static TheoryData<string> Names => new() { "cpu", "cuda" };

    /// <summary>True when the named device can run here.</summary>
    public static bool IsAvailable(string name) => name == "cpu" || cuda.is_available();

    /// <summary>The reason a device row is skipped, for <c>Skip.IfNot</c>-style use.</summary>
    public const string NoCudaReason = "no CUDA device on this machine (this build or machine has no GPU); the row runs on a GPU machine";

    /// <summary>The device of a theory row; skips the row (with <see cref="NoCudaReason"/>) where the device is absent.</summary>
    public static Device Require(string name)
    {
        Skip.IfNot(IsAvailable(name), NoCudaReason);
        return TorchDevices.Resolve(name);
    }
}
