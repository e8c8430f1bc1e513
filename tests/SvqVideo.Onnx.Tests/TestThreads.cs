using System.Runtime.CompilerServices;

namespace SvqVideo.Onnx.Tests;

/// <summary>One libtorch thread for these tests: the models are tiny, and on a shared 2-core machine two threads spend more time waiting than computing.</summary>
internal static class TestThreads
{
    [ModuleInitializer]
    internal static void Initialize() => TorchSharp.torch.set_num_threads(1);
}
