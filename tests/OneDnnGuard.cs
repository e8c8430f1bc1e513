using System.Runtime.CompilerServices;

namespace SvqVideo.Tests;

/// <summary>
/// The oneDNN cap a host applies at start-up (<see cref="SvqVideo.Torch.CpuBackends.CapOneDnnOnAmd"/>), applied when a
/// test assembly loads, before any test runs a convolution: test processes do not start through a host.
/// </summary>
internal static class OneDnnGuard
{
    [ModuleInitializer]
    internal static void Initialize() => SvqVideo.Torch.CpuBackends.CapOneDnnOnAmd();
}
