using System.Text.Json.Nodes;
using SvqVideo.Onnx;
using static TorchSharp.torch;

namespace SvqVideo.Bench;

/// <summary>
/// ONNX Runtime against libtorch inference on the same models (small gSTA, small IncepU, mmnist gSTA; no quantizer
/// and SVQ): libtorch's inference step (batch 8, as the model rows) timed in one process, which then exports the same
/// weights; ONNX Runtime timed on that file in a second process without libtorch. Also the on-disk native footprint of
/// each runtime.
/// </summary>
internal static class OnnxBench
{
    public static readonly ModelSpec[] Specs =
    [
        new("small", "gSTA", "none"), new("small", "gSTA", "svq-fast"),
        new("small", "IncepU", "none"), new("small", "IncepU", "svq-fast"),
        new("mmnist", "gSTA", "none"), new("mmnist", "gSTA", "svq-fast"),
    ];

    /// <summary>Runs every row (each side in its own child process) and the footprint.</summary>
    public static JsonObject Run(BenchOptions options, TextWriter log)
    {
        string plugin = OnnxPluginFolder();
        var work = Directory.CreateTempSubdirectory("svq-bench-onnx-");
        try
        {
            // A plugin folder holding only the onnx plugin, so the ONNX Runtime process loads nothing else.
            var onlyOnnx = Directory.CreateDirectory(Path.Combine(work.FullName, "plugins"));
            Directory.CreateSymbolicLink(Path.Combine(onlyOnnx.FullName, Path.GetFileName(plugin)), plugin);
            var rows = new JsonArray();
            foreach (var spec in Specs)
            {
                log.WriteLine($"onnx vs libtorch {spec.Label} ...");
                string model = Path.Combine(work.FullName, $"{spec.Size}-{spec.ModelType}-{spec.Quantizer}.onnx");
                var row = ChildProcess.Run(options, "onnx-torch", spec.Size, spec.ModelType, spec.Quantizer, model);
                if (row["error"] is null)
                {
                    foreach (var (key, value) in ChildProcess.Run(options, "onnx-ort", model, onlyOnnx.FullName))
                    {
                        row[key] = value?.DeepClone();
                    }
                }

                rows.Add(row);
            }

            return new JsonObject { ["rows"] = rows, ["footprint"] = Footprint(plugin) };
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Child <c>onnx-torch</c>: libtorch inference (as <see cref="ModelBench"/>) and its peak RSS, then the export.</summary>
    public static JsonObject MeasureTorch(ModelSpec spec, string path, BenchOptions options)
    {
        manual_seed(0);
        using var model = spec.Build();
        using var step = new ModelBench.InferenceStep(model);
        ProcessMemory.ResetPeak();
        var timing = Timing.Measure(options.Warmup, options.Reps, step.Run);
        double peak = ProcessMemory.PeakMiB;
        var exported = OnnxExporter.Export(model, path);
        return new JsonObject
        {
            ["size"] = spec.Size,
            ["model_type"] = spec.ModelType,
            ["quantizer"] = spec.Quantizer,
            ["torch_threads"] = get_num_threads(),
            ["torch_inference_seq_per_s"] = ModelBench.InferenceBatch / timing.Median,
            ["torch_inference_peak_rss_mib"] = peak,
            ["onnx_file_mib"] = exported.Bytes / 1048576.0,
            ["onnx_nodes"] = exported.Nodes,
        };
    }

    /// <summary>
    /// Native files each runtime brings along on Linux x64: libtorch's (every native library of this program except
    /// OpenCV's, i.e. libtorch-cpu and the TorchSharp shim) against the whole onnx plugin folder (ONNX Runtime's native
    /// library and, conservatively, its managed assemblies).
    /// </summary>
    private static JsonObject Footprint(string onnxPlugin)
    {
        string natives = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        long torch = Directory.Exists(natives)
            ? Directory.EnumerateFiles(natives).Where(f => !Path.GetFileName(f).StartsWith("libOpenCvSharp", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length)
            : 0;
        long ort = Directory.EnumerateFiles(onnxPlugin, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        return new JsonObject
        {
            ["libtorch_native_mib"] = torch / 1048576.0,
            ["onnx_plugin_mib"] = ort / 1048576.0,
            ["ratio"] = ort > 0 ? (double)torch / ort : double.NaN,
        };
    }

    private static string OnnxPluginFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "artifacts", "plugins", "SvqVideo.Plugins.Onnx");
            if (File.Exists(Path.Combine(candidate, "SvqVideo.Plugins.Onnx.dll")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("the onnx plugin is not built (artifacts/plugins/SvqVideo.Plugins.Onnx); build the solution first");
    }
}
