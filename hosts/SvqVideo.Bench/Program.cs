// The SvqVideo benchmark (issue #7): see BENCHMARKS.md for what it measures and the latest results.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SvqVideo.Bench;
using SvqVideo.Hosting;
using SvqVideo.Torch;
using static TorchSharp.torch;

if (args is ["--plot-curve", var curveCsv, var curvePng])
{
    try
    {
        CurvePlot.Write(curveCsv, curvePng);
        return 0;
    }
    catch (Exception e) when (e is IOException or InvalidDataException or FormatException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"svqvideo-bench: {e.Message}");
        return 3;
    }
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"svqvideo-bench: {e.Message}");
    return 2;
}

// The CLI tunes glibc's allocator the same way; without it large activations are page-faulted in on every step.
bool allocatorTuned = NativeAllocator.TuneForTensors();
if (options.Child is ["onnx-ort", var onnxModel, var onnxPlugins])
{
    // Before anything starts libtorch: this measurement's process must not have it.
    Console.WriteLine(OrtInference.Measure(onnxModel, onnxPlugins, options).ToJsonString());
    return 0;
}

NativeRuntime.EnsureTorch();
set_num_threads(options.Threads);
if (options.Child is { } child)
{
    var result = child[0] switch
    {
        "model" => ModelBench.Measure(new ModelSpec(child[1], child[2], child[3]), options),
        "profile" => ProfileBench.Measure(new ModelSpec(child[1], child[2], child[3]), options),
        "overhead" => OverheadBench.Measure(child[1], child[2], options),
        "svq" => SvqModuleBench.Measure(int.Parse(child[1], CultureInfo.InvariantCulture), child[2] == "fast", options),
        "long-video" => LongVideoBench.Measure(child[1], child[2], child[3], child[4], options),
        "fit" => FitBench.Measure(child[1], child[2], child[3] == "default" ? null : bool.Parse(child[3]), child[4] == "default" ? null : child[4], options),
        "onnx-torch" => OnnxBench.MeasureTorch(new ModelSpec(child[1], child[2], child[3]), child[4], options),
        _ => throw new ArgumentException($"unknown measurement '{child[0]}'"),
    };
    Console.WriteLine(result.ToJsonString());
    return 0;
}

var report = new JsonObject
{
    ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
    ["command"] = "SvqVideo.Bench " + string.Join(' ', args),
    ["machine"] = Machine.Describe(options),
    ["allocator_tuned"] = allocatorTuned,
};
var log = Console.Error;

if (options.Runs("machine"))
{
    log.WriteLine("machine limit ...");
    report["machine_limit"] = MachineLimit.Measure(options);
}

if (options.Runs("models"))
{
    var rows = new JsonArray();
    var specs = ModelSpec.Quantizers.Select(q => new ModelSpec("small", "gSTA", q))
        .Concat(ModelSpec.Quantizers.Select(q => new ModelSpec("small", "IncepU", q)))
        .Concat(ModelSpec.Quantizers.Select(q => new ModelSpec("mmnist", "gSTA", q)));
    foreach (var spec in specs)
    {
        log.WriteLine($"model {spec.Label} ...");
        rows.Add(ChildProcess.Run(options, "model", spec.Size, spec.ModelType, spec.Quantizer));
    }

    report["models"] = rows;
}

if (options.Runs("overhead"))
{
    var rows = new JsonArray();
    foreach (var (size, type) in OverheadBench.Configs)
    {
        log.WriteLine($"svq overhead {size} {type} ...");
        rows.Add(ChildProcess.Run(options, "overhead", size, type));
    }

    report["svq_overhead"] = rows;
}

if (options.Runs("translators"))
{
    var rows = new JsonArray();
    foreach (var type in ModelSpec.Translators)
    {
        log.WriteLine($"translator {type} ...");
        rows.Add(ChildProcess.Run(options, "model", "small", type, "none"));
    }

    report["translators"] = rows;
}

if (options.Runs("svq"))
{
    var rows = new JsonArray();
    foreach (int codes in SvqModuleBench.Codebooks)
    {
        foreach (string path in new[] { "fast", "explicit" })
        {
            log.WriteLine($"svq module N={codes} {path} ...");
            rows.Add(ChildProcess.Run(options, "svq", codes.ToString(CultureInfo.InvariantCulture), path));
        }
    }

    report["svq_module"] = rows;
}

if (options.Runs("forecast"))
{
    log.WriteLine("forecast end to end ...");
    report["forecast"] = ForecastBench.Measure(options);
}

if (options.Runs("fit"))
{
    var rows = new JsonArray();
    foreach (string kind in options.FitKinds)
    {
        foreach (bool? residual in options.FitResidualArms)
        {
            foreach (string size in options.FitSizes)
            {
                log.WriteLine($"forecast --fit {options.FitBudget} on {kind}{(residual is bool r ? $" (residual {r})" : "")}{(size == "default" ? "" : $" (size {size})")} ...");
                rows.Add(ChildProcess.Run(options, ["fit", kind, options.FitBudget, residual is bool x ? x.ToString() : "default", size]));
            }
        }
    }

    report["forecast_fit"] = rows;
}

if (options.Runs("long-video"))
{
    report["long_video"] = LongVideoBench.Run(options, log);
}

if (options.Runs("streaming"))
{
    log.WriteLine($"streaming {options.StreamFrames} frames ...");
    report["streaming"] = StreamingBench.Measure(options);
}

if (options.Runs("onnx"))
{
    report["onnx"] = OnnxBench.Run(options, log);
}

report["load_average_after"] = Machine.LoadAverage();
report["targets"] = Targets.Evaluate(report);
Console.Write(ReportTables.Render(report));
if (options.JsonPath is { } jsonPath)
{
    AtomicFile.Write(jsonPath, s => JsonSerializer.Serialize(s, report, new JsonSerializerOptions { WriteIndented = true }));
    log.WriteLine($"wrote {jsonPath}");
}

return 0;
