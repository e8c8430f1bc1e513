using System.Runtime.InteropServices;

namespace SvqVideo.Hosting;

/// <summary>
/// Tunes glibc's allocator for tensor workloads. libtorch's CPU allocator takes every buffer from malloc;
/// glibc serves large requests with fresh mmap()s and returns them on free, so each training step
/// page-faults its activations in again (measured: 3.3 M minor faults and 40 % of CPU time in the kernel
/// for a 40 s run of the demo model). Keeping large blocks in the heap and not trimming it removes most
/// of that. Raising the mmap threshold alone is not enough: glibc caps it at 32 MiB, and a Moving-MNIST
/// SimVP batch has 84 MiB activations, so mmap is switched off altogether (M_MMAP_MAX = 0; glibc still
/// falls back to mmap when the heap cannot grow). Measured on the mmnist gSTA benchmark row:
/// minor faults 5.0 M → 0.73 M, kernel time 16.5 s → 2.5 s, training 0.20 → 0.98 sequences/s; the
/// price is that freed memory stays with the process (peak RSS +4..40 %). Call once at start-up,
/// before tensors are allocated; a no-op off glibc/Linux.
/// </summary>
public static partial class NativeAllocator
{
    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;
    private const int MMmapMax = -4;

    /// <summary>Largest mmap threshold glibc accepts on 64-bit (32 MiB).</summary>
    private const int MaxMmapThreshold = 32 * 1024 * 1024;

    private static int _tuned;

    /// <summary>Raises the mmap and trim thresholds and turns mmap off for heap blocks; returns true when glibc accepted all three.</summary>
    public static bool TuneForTensors()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _tuned, 1) == 1)
        {
            return false;
        }

        try
        {
            bool mmap = MallOpt(MMmapThreshold, MaxMmapThreshold) == 1;
            bool trim = MallOpt(MTrimThreshold, int.MaxValue) == 1;
            bool noMmap = MallOpt(MMmapMax, 0) == 1;
            return mmap && trim && noMmap;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int param, int value);
}
