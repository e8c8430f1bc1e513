using System.Runtime.InteropServices;

namespace SvqVideo.Torch;

/// <summary>
/// libtorch's process-wide switches for its CPU convolution back ends, which TorchSharp does not expose:
/// oneDNN (libtorch's "mkldnn") and NNPACK. They are the <c>torch.backends.mkldnn.enabled</c> and
/// <c>torch.backends.nnpack.enabled</c> flags of PyTorch, reached through libtorch's own exported
/// <c>at::Context</c> setters.
/// <para>
/// Why they matter here: on some x86-64 CPUs (seen on AMD EPYC with AVX-512 under libtorch 2.10 / oneDNN 3.7),
/// oneDNN's convolution backward pass with two or more intra-op threads returns non-finite weight gradients
/// in most runs, and NNPACK prints "Could not initialize NNPACK! Reason: Unsupported hardware." on every
/// convolution it is asked about. See docs/training.md.
/// </para>
/// Thread safety: the flags are global to the process; set them before starting work, not while another
/// thread runs convolutions.
/// </summary>
public static unsafe class CpuBackends
{
    private const string ContextSymbol = "_ZN2at13globalContextEv";
    private const string SetMkldnnSymbol = "_ZN2at7Context20setUserEnabledMkldnnEb";
    private const string GetMkldnnSymbol = "_ZNK2at7Context17userEnabledMkldnnEv";
    private const string SetNnpackSymbol = "_ZN2at7Context20setUserEnabledNNPACKEb";
    private const string GetNnpackSymbol = "_ZNK2at7Context17userEnabledNNPACKEv";

    private static readonly Lazy<Native?> Entry = new(Native.Bind);

    /// <summary>Whether libtorch's switches could be reached in this process (false off Linux or with an unexpected libtorch build).</summary>
    public static bool Available => Entry.Value is not null;

    /// <summary>
    /// Whether libtorch may run CPU convolutions (and other ops) through oneDNN. Setting it when
    /// <see cref="Available"/> is false does nothing.
    /// </summary>
    public static bool OneDnnEnabled
    {
        get => Entry.Value is not { } n || n.GetMkldnn(n.Context) != 0;
        set
        {
            if (Entry.Value is { } n)
            {
                n.SetMkldnn(n.Context, value ? (byte)1 : (byte)0);
            }
        }
    }

    /// <summary>Whether libtorch may run CPU convolutions through NNPACK. Setting it when <see cref="Available"/> is false does nothing.</summary>
    public static bool NnpackEnabled
    {
        get => Entry.Value is not { } n || n.GetNnpack(n.Context) != 0;
        set
        {
            if (Entry.Value is { } n)
            {
                n.SetNnpack(n.Context, value ? (byte)1 : (byte)0);
            }
        }
    }

    /// <summary>oneDNN's environment variable that caps the instruction set its kernels may use.</summary>
    public const string OneDnnIsaVariable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>
    /// Caps oneDNN's kernels at SSE4.1 on AMD processors (unless the user set <see cref="OneDnnIsaVariable"/>), by setting
    /// the variable in the C library's environment, which oneDNN reads when it creates its first kernel; so this must run
    /// before the first convolution of the process (the host's start-up does it). Why: on an AMD EPYC with AVX-512 under
    /// libtorch 2.10 (oneDNN 3.7), oneDNN's AVX2 and AVX-512 convolution kernels returned wrong values, forward and
    /// backward, even on one thread (conv 20→8, 3×3, batch 8 of 16×16: forward max |error| 0.46 of values up to 1.3
    /// against float64), while its SSE4.1 kernels agree with float64 to 1e-7 at any thread count. Returns true when
    /// the cap is in effect for this process.
    /// </summary>
    public static bool CapOneDnnOnAmd()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        if (BackwardPass.CpuVendor == "AuthenticAMD" && GetEnv(OneDnnIsaVariable) == 0)
        {
            _ = SetEnv(OneDnnIsaVariable, "SSE41", 0);
        }

        return OneDnnCappedAtSse41;
    }

    /// <summary>Whether the C library's environment caps oneDNN at SSE4.1 (see <see cref="CapOneDnnOnAmd"/>).</summary>
    public static bool OneDnnCappedAtSse41
    {
        get
        {
            if (!OperatingSystem.IsLinux())
            {
                return false;
            }

            nint value = GetEnv(OneDnnIsaVariable);
            return value != 0 && string.Equals(Marshal.PtrToStringUTF8(value), "SSE41", StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>
    /// Turns NNPACK off. libtorch's other CPU convolution paths cover every case NNPACK would take, and on CPUs
    /// that NNPACK does not support the switch also silences its "Could not initialize NNPACK!" line. Idempotent.
    /// </summary>
    public static void DisableNnpack() => NnpackEnabled = false;

    /// <summary>
    /// Runs <paramref name="action"/> with oneDNN switched to <paramref name="enabled"/>, restoring the previous
    /// setting afterwards (also when it throws).
    /// </summary>
    public static void With(bool enabled, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        bool previous = OneDnnEnabled;
        OneDnnEnabled = enabled;
        try
        {
            action();
        }
        finally
        {
            OneDnnEnabled = previous;
        }
    }

    // .NET's Environment.SetEnvironmentVariable does not reach native getenv on Linux; oneDNN reads the C library's.
    [DllImport("libc", EntryPoint = "getenv")]
    private static extern nint GetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    private sealed unsafe class Native
    {
        public required nint Context { get; init; }

        public required delegate* unmanaged<nint, byte, void> SetMkldnn { get; init; }

        public required delegate* unmanaged<nint, byte> GetMkldnn { get; init; }

        public required delegate* unmanaged<nint, byte, void> SetNnpack { get; init; }

        public required delegate* unmanaged<nint, byte> GetNnpack { get; init; }

        public static Native? Bind()
        {
            if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            {
                return null;
            }

            // libtorch_cpu is already mapped by TorchSharp; make sure of it by touching torch first.
            _ = TorchSharp.torch.get_num_threads();
            if (!TryOpen(out nint library))
            {
                return null;
            }

            if (!NativeLibrary.TryGetExport(library, ContextSymbol, out nint context)
                || !NativeLibrary.TryGetExport(library, SetMkldnnSymbol, out nint setMkldnn)
                || !NativeLibrary.TryGetExport(library, GetMkldnnSymbol, out nint getMkldnn)
                || !NativeLibrary.TryGetExport(library, SetNnpackSymbol, out nint setNnpack)
                || !NativeLibrary.TryGetExport(library, GetNnpackSymbol, out nint getNnpack))
            {
                return null;
            }

            // at::globalContext() returns a reference (a pointer in the x86-64 System V ABI); the member
            // functions take it as their first argument.
            nint instance = ((delegate* unmanaged<nint>)context)();
            return instance == 0 ? null : new Native
            {
                Context = instance,
                SetMkldnn = (delegate* unmanaged<nint, byte, void>)setMkldnn,
                GetMkldnn = (delegate* unmanaged<nint, byte>)getMkldnn,
                SetNnpack = (delegate* unmanaged<nint, byte, void>)setNnpack,
                GetNnpack = (delegate* unmanaged<nint, byte>)getNnpack,
            };
        }

        private static bool TryOpen(out nint library)
        {
            foreach (string directory in new[] { Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"), AppContext.BaseDirectory })
            {
                string path = Path.Combine(directory, "libtorch_cpu.so");
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out library))
                {
                    return true;
                }
            }

            return NativeLibrary.TryLoad("libtorch_cpu.so", out library);
        }
    }
}
