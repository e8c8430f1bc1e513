using System.Globalization;
using System.Runtime.Intrinsics.X86;
using System.Text;
using static TorchSharp.torch;

namespace SvqVideo.Torch;

/// <summary>
/// Runs autograd's backward pass with a safe number of CPU threads.
/// <para>
/// Why: on AMD CPUs libtorch 2.10's oneDNN (3.7) convolution backward pass with two or more intra-op threads
/// returns non-finite or wrong gradients in most runs (measured on an AMD EPYC with AVX-512: a
/// conv → ReLU → conv network gave NaN first-layer weight gradients in 18–20 of 20 seeded runs with 2 threads,
/// 0 of 20 with 1 thread; PyTorch 2.6 with oneDNN 3.7.2 does the same on that machine, PyTorch 1.13 with
/// oneDNN 2.6 does not). The same program on an Intel Xeon (Sapphire Rapids) gives 0 of 20 at 2 to 16 threads,
/// also with AMD's CPUID answers emulated and freed memory poisoned, so the fault follows the processor, not
/// what oneDNN reads from CPUID. Running only the backward pass on one thread keeps the forward pass (and
/// all inference) multi-threaded; it is the cheapest safe setting measured: turning oneDNN off costs 2.3–3.6×
/// in training speed, capping oneDNN's ISA at SSE4.1 2.2–2.6×, one thread for the backward pass 1.5–1.6× (docs/training.md has the figures).
/// See docs/training.md.
/// </para>
/// Thread safety: <see cref="Run"/> changes libtorch's process-wide thread count for the duration of the call;
/// do not run other CPU tensor work concurrently from another thread.
/// </summary>
public static class BackwardPass
{
    /// <summary>Environment variable that overrides the automatic choice: a positive thread count for every backward pass.</summary>
    public const string ThreadsVariable = "SVQ_BACKWARD_THREADS";

    private static readonly Lazy<string> Vendor = new(ReadVendor);

    /// <summary>The CPU's vendor string from CPUID (<c>GenuineIntel</c>, <c>AuthenticAMD</c>, …); empty off x86.</summary>
    public static string CpuVendor => Vendor.Value;

    /// <summary>
    /// True on processors where libtorch's multi-threaded convolution backward pass is known to give wrong
    /// gradients (AMD, see the class remarks), unless oneDNN is capped at SSE4.1 (<see cref="CpuBackends.CapOneDnnOnAmd"/>,
    /// which hosts apply at start-up), whose kernels are right at any thread count.
    /// </summary>
    public static bool MultiThreadedBackwardIsFaulty => CpuVendor == "AuthenticAMD" && !CpuBackends.OneDnnCappedAtSse41;

    /// <summary>
    /// The intra-op threads the backward pass should use: <paramref name="requested"/> when positive; else the
    /// <see cref="ThreadsVariable"/> environment variable when set; else 1 on the CPU of a processor where the
    /// multi-threaded backward pass is faulty; else libtorch's current thread count.
    /// </summary>
    /// <exception cref="ArgumentException">The environment variable is set but is not a positive integer.</exception>
    public static int ThreadsFor(Device device, int requested = 0)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (requested > 0)
        {
            return requested;
        }

        string? fromEnvironment = Environment.GetEnvironmentVariable(ThreadsVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return int.TryParse(fromEnvironment, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
                ? n
                : throw new ArgumentException($"{ThreadsVariable}={fromEnvironment} is not a positive integer");
        }

        return device.type == TorchSharp.DeviceType.CPU && MultiThreadedBackwardIsFaulty ? 1 : get_num_threads();
    }

    /// <summary>
    /// <c>loss.backward()</c> with libtorch's intra-op pool at <paramref name="threads"/> threads when that is fewer
    /// than it has, restoring the previous count afterwards (also when backward throws).
    /// </summary>
    public static void Run(Tensor loss, int threads)
    {
        ArgumentNullException.ThrowIfNull(loss);
        int current = get_num_threads();
        if (threads <= 0 || threads >= current)
        {
            loss.backward();
            return;
        }

        set_num_threads(threads);
        try
        {
            loss.backward();
        }
        finally
        {
            set_num_threads(current);
        }
    }

    private static string ReadVendor()
    {
        if (!X86Base.IsSupported)
        {
            return "";
        }

        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        Span<byte> name = stackalloc byte[12];
        BitConverter.TryWriteBytes(name[..4], ebx);
        BitConverter.TryWriteBytes(name[4..8], edx);
        BitConverter.TryWriteBytes(name[8..], ecx);
        return Encoding.ASCII.GetString(name);
    }
}
