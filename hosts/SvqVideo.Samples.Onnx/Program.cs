// A host that forecasts with an exported SvqVideo model and no libtorch: load the plugins, open the .onnx file with
// the onnx predictor, stream frames (a moving square, generated here) into a session and forecast past the horizon.
// Then it lists what the process has mapped from TorchSharp or libtorch (on Linux, /proc/self/maps): nothing.
//
//   svqvideo-onnx-sample <plugin-folder> <model.onnx> [frames-to-forecast]
using SvqVideo;
using SvqVideo.Hosting;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: svqvideo-onnx-sample <plugin-folder> <model.onnx> [frames-to-forecast]");
    return 2;
}

try
{
    using var catalog = PluginCatalog.Load(args[0], new PluginCatalogOptions { Strict = false });
    using var predictor = catalog.CreatePredictor("onnx", new PredictorCreateOptions { CheckpointPath = args[1] });
    var m = predictor.Metadata;
    Console.WriteLine($"predictor {m.Name} {m.Version}: {m.Description}");

    using var session = predictor.CreateSession();
    int length = m.Channels * m.Height * m.Width;
    for (int t = 0; t < m.FramesIn + 3; t++)
    {
        var frame = new float[length];
        int size = Math.Max(1, m.Height / 4), top = (t * 2) % Math.Max(1, m.Height - size), left = (t * 3) % Math.Max(1, m.Width - size);
        for (int c = 0; c < m.Channels; c++)
        {
            for (int y = top; y < top + size; y++)
            {
                Array.Fill(frame, 1f, (((c * m.Height) + y) * m.Width) + left, size);
            }
        }

        session.Push(frame);
    }

    int frames = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 2 * m.FramesOut;
    var forecast = session.Forecast(frames);
    float mean = forecast.Data.ToArray().Average();
    Console.WriteLine($"forecast {forecast.Frames} frames of {forecast.Channels}x{forecast.Height}x{forecast.Width}, mean value {mean:F4}");

    var torch = File.Exists("/proc/self/maps")
        ? File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
            .Where(IsTorch).Distinct().ToList()
        : null;
    Console.WriteLine(torch is null ? "torch libraries mapped: unknown (no /proc/self/maps)" : $"torch libraries mapped: {(torch.Count == 0 ? "none" : string.Join(", ", torch))}");
    return torch is { Count: > 0 } ? 3 : 0;
}
catch (Exception e) when (e is PluginLoadException or ArgumentException or IOException or InvalidDataException)
{
    Console.Error.WriteLine($"svqvideo-onnx-sample: error: {e.Message}");
    return 1;
}

// libtorch's native libraries (libtorch*.so, libc10*.so, the libLibTorchSharp.so shim) and TorchSharp's managed assembly.
static bool IsTorch(string path)
{
    string name = Path.GetFileName(path);
    return name.StartsWith("libtorch", StringComparison.Ordinal) || name.StartsWith("libc10", StringComparison.Ordinal)
        || name.StartsWith("libLibTorchSharp", StringComparison.Ordinal) || name == "TorchSharp.dll";
}
