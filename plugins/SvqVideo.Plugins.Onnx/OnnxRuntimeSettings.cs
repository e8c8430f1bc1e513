using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace SvqVideo.Plugins.Onnx;

/// <summary>The execution provider and threads a host asked for, turned into ONNX Runtime session options.</summary>
internal sealed record OnnxRuntimeSettings(string Provider, int DeviceId, int Threads, bool FallBackToCpu)
{
    /// <summary>True when this plugin was built against ONNX Runtime's CUDA package (-p:OnnxRuntimeBackend=cuda).</summary>
#if ONNXRUNTIME_CUDA
    public static bool CudaBuild { get; } = true;
#else
    public static bool CudaBuild { get; }
#endif

    /// <exception cref="ArgumentException">An unknown device, CUDA asked of a CPU build, or a bad thread count.</exception>
    public static OnnxRuntimeSettings From(PredictorCreateOptions options)
    {
        string device = (options.Device ?? "auto").Trim().ToLowerInvariant();
        int threads = ParseThreads(options.AdditionalProperties);
        if (device is "auto" or "")
        {
            return CudaBuild ? new("cuda", 0, threads, FallBackToCpu: true) : new("cpu", 0, threads, false);
        }

        if (device == "cpu")
        {
            return new("cpu", 0, threads, false);
        }

        if (device == "cuda" || device.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!CudaBuild)
            {
                throw new ArgumentException("device cuda was requested but the onnx plugin was built for the CPU (rebuild it with -p:OnnxRuntimeBackend=cuda)");
            }

            int id = device == "cuda" ? 0 : int.TryParse(device.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n
                : throw new ArgumentException($"unknown device '{options.Device}' (use auto, cpu, cuda or cuda:N)");
            return new("cuda", id, threads, false);
        }

        throw new ArgumentException($"unknown device '{options.Device}' (use auto, cpu, cuda or cuda:N)");
    }

    /// <summary>Session options: all graph optimisations, sequential execution, the provider, the threads.</summary>
    /// <exception cref="ArgumentException">The CUDA provider cannot start (no GPU, driver or CUDA libraries).</exception>
    public SessionOptions CreateSessionOptions(bool useCuda)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Threads,
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            if (useCuda)
            {
                options.AppendExecutionProvider_CUDA(DeviceId);
            }

            return options;
        }
        catch (OnnxRuntimeException e)
        {
            options.Dispose();
            throw new ArgumentException($"the CUDA execution provider cannot start on device {DeviceId}: {FirstLine(e.Message)}", e);
        }
    }

    /// <summary>The first line of an ONNX Runtime message (they can be long and multi-line).</summary>
    public static string FirstLine(string message)
    {
        int nl = message.IndexOfAny(['\r', '\n']);
        return (nl < 0 ? message : message[..nl]).Trim();
    }

    private static int ParseThreads(IDictionary<string, object?>? properties)
    {
        if (properties is null || !properties.TryGetValue("threads", out var value) || value is null)
        {
            return 0;
        }

        int threads = value switch
        {
            int i => i,
            long l when l is >= 0 and <= int.MaxValue => (int)l,
            string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int p) => p,
            _ => -1,
        };
        return threads >= 0 ? threads : throw new ArgumentException($"onnx option 'threads' must be a non-negative integer, got '{value}'");
    }
}
