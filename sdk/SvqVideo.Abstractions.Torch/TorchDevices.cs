using static TorchSharp.torch;

namespace SvqVideo.Torch;

/// <summary>Resolves the user's device choice (<c>auto</c>, <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>).</summary>
public static class TorchDevices
{
    /// <summary>
    /// <c>auto</c> or null: CUDA when a GPU and the CUDA runtime are present, else the CPU.
    /// <c>cuda</c>: the first GPU, or an error when none can be used.
    /// </summary>
    /// <exception cref="ArgumentException">The name is unknown, or CUDA was asked for but is not available (the message says why).</exception>
    public static Device Resolve(string? name)
    {
        string n = (name ?? "auto").Trim().ToLowerInvariant();
        if (n is "auto" or "")
        {
            return cuda.is_available() ? CUDA : CPU;
        }

        if (n == "cpu")
        {
            return CPU;
        }

        if (n == "cuda" || n.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
            {
                throw new ArgumentException($"device '{n}' was requested but no CUDA GPU is usable (the application runs libtorch's CPU runtime, or no GPU or driver is present)");
            }

            return device(n);
        }

        throw new ArgumentException($"unknown device '{name}' (use auto, cpu, cuda or cuda:N)");
    }

    /// <summary>The devices tests should loop over: the CPU, plus the first GPU when CUDA is usable.</summary>
    public static IReadOnlyList<Device> Available()
    {
        var list = new List<Device> { CPU };
        if (cuda.is_available())
        {
            list.Add(CUDA);
        }

        return list;
    }
}
