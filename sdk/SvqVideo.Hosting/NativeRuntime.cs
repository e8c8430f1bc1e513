using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SvqVideo.Hosting;

/// <summary>
/// Checks that libtorch's native runtime loads, before anything touches TorchSharp. TorchSharp's own
/// failure message blames a missing package reference whatever the real cause (and prints to stdout),
/// and once its static constructor has failed every later use throws; so the host loads the native
/// shim itself first and turns the loader's real error (e.g. a missing GLIBCXX symbol version) into
/// one line that says what to do. The messages name no tool of a particular application (no script, no
/// command-line flag): a host adds its own hint where it catches <see cref="NativeRuntimeException"/>.
/// </summary>
public static class NativeRuntime
{
    private static readonly object Gate = new();
    private static string? _checkedOk;

    /// <summary>File name of TorchSharp's native shim.</summary>
    public const string ShimFileName = "libLibTorchSharp.so";

    /// <summary>
    /// Loads TorchSharp's native shim and initialises torch once per process, with NNPACK switched off
    /// (<see cref="SvqVideo.Torch.CpuBackends.DisableNnpack"/>). Idempotent and thread-safe.
    /// </summary>
    /// <returns>A short description, e.g. <c>libtorch CPU, 2 threads</c>.</returns>
    /// <exception cref="NativeRuntimeException">The runtime cannot load; the message states the cause and the fix.</exception>
    public static string EnsureTorch()
    {
        lock (Gate)
        {
            if (_checkedOk is not null)
            {
                return _checkedOk;
            }

            if (OperatingSystem.IsLinux())
            {
                string? shim = FindShim(AppContext.BaseDirectory);
                if (shim is null)
                {
                    throw new NativeRuntimeException($"{ShimFileName} is not next to the application ({AppContext.BaseDirectory}): the TorchSharp native runtime was not restored (the application must reference libtorch's runtime package)");
                }

                if (DescribeLoadFailure(shim) is { } problem)
                {
                    throw new NativeRuntimeException(problem);
                }
            }

            // Before the first convolution: oneDNN reads its instruction-set cap when it creates its first kernel.
            SvqVideo.Torch.CpuBackends.CapOneDnnOnAmd();
            var saved = Console.Out;
            Console.SetOut(TextWriter.Null);
            try
            {
                bool cudaAvailable = cuda.is_available();
                // NNPACK adds nothing libtorch's other CPU convolutions lack, and on CPUs it does not support
                // (AMD EPYC among them) it prints "Could not initialize NNPACK!" on every convolution it is offered.
                SvqVideo.Torch.CpuBackends.DisableNnpack();
                _checkedOk = $"libtorch {(cudaAvailable ? "CUDA" : "CPU")}, {get_num_threads()} threads";
            }
            catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException or InvalidOperationException)
            {
                throw new NativeRuntimeException($"TorchSharp failed to initialise libtorch: {FirstLine(e.InnerException?.Message ?? e.Message)}", e);
            }
            finally
            {
                Console.SetOut(saved);
            }

            return _checkedOk;
        }
    }

    /// <summary>Where TorchSharp's shim lies under <paramref name="baseDirectory"/>, or null.</summary>
    public static string? FindShim(string baseDirectory)
    {
        string[] candidates =
        [
            Path.Combine(baseDirectory, "runtimes", "linux-x64", "native", ShimFileName),
            Path.Combine(baseDirectory, ShimFileName),
        ];
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>Tries to load a native library; null when it loads, else one line with the real cause and the fix.</summary>
    public static string? DescribeLoadFailure(string libraryPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(libraryPath);
        if (!File.Exists(libraryPath))
        {
            return $"native library not found: {libraryPath}";
        }

        try
        {
            NativeLibrary.Load(libraryPath);
            return null;
        }
        catch (DllNotFoundException e)
        {
            return Explain(libraryPath, e.Message);
        }
        catch (BadImageFormatException e)
        {
            return Explain(libraryPath, e.Message);
        }
    }

    /// <summary>Turns a dynamic loader message into one actionable line.</summary>
    public static string Explain(string libraryPath, string loaderMessage)
    {
        ArgumentNullException.ThrowIfNull(loaderMessage);
        var glibcxx = System.Text.RegularExpressions.Regex.Match(loaderMessage, @"GLIBCXX_[0-9.]+");
        if (glibcxx.Success)
        {
            return $"{Path.GetFileName(libraryPath)} needs {glibcxx.Value} (libstdc++ from GCC 13.2 or newer), which this system's libstdc++ lacks; install a newer libstdc++6";
        }

        var glibc = System.Text.RegularExpressions.Regex.Match(loaderMessage, @"GLIBC_[0-9.]+");
        if (glibc.Success)
        {
            return $"{Path.GetFileName(libraryPath)} needs {glibc.Value}, which this system's C library lacks; use a newer distribution";
        }

        var missing = System.Text.RegularExpressions.Regex.Match(loaderMessage, @"([\w.+-]+\.so[.\d]*): cannot open shared object file");
        if (missing.Success)
        {
            return $"{Path.GetFileName(libraryPath)} cannot load: {missing.Groups[1].Value} is missing; install the package that provides it";
        }

        return $"{Path.GetFileName(libraryPath)} cannot load: {FirstLine(loaderMessage)}";
    }

    private static string FirstLine(string text)
    {
        int nl = text.IndexOfAny(['\r', '\n']);
        return nl < 0 ? text : text[..nl];
    }
}
