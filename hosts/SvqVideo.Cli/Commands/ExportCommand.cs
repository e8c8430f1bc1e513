using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Spectre.Console;
using SvqVideo.Hosting;
using SvqVideo.Onnx;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Cli.Commands;

/// <summary>
/// <c>svqvideo export --checkpoint ck.safetensors --to model.onnx</c>: the checkpoint's inference graph as ONNX (one
/// forward pass, dynamic batch, SvqVideo's metadata block), written through a temporary file. Before the rename the
/// file is run on ONNX Runtime (the <c>onnx</c> plugin) against the checkpoint on random frames; a file that differs
/// is never kept. Translators or quantizers without an exact ONNX form end with one line and exit code 8.
/// </summary>
internal static class ExportCommand
{
    private static readonly Option<string> CheckpointPath = new("--checkpoint") { Description = "An SvqVideo checkpoint (from train/demo/import)", Required = true };
    private static readonly Option<string> To = new("--to") { Description = "The file to write: .onnx (the inference graph for ONNX Runtime) or .safetensors (a weights-only SvqVideo checkpoint, without the training state)", Required = true };
    private static readonly Option<int> Opset = new("--opset") { Description = $"ai.onnx opset ({OnnxExporter.DefaultOpset}..{OnnxExporter.MaximumOpset})", DefaultValueFactory = _ => OnnxExporter.DefaultOpset };
    private static readonly Option<double> Tolerance = new("--tolerance") { Description = "Largest |ONNX Runtime − checkpoint| accepted by the check before the file is kept", DefaultValueFactory = _ => 1e-4 };
    private static readonly Option<bool> NoCheck = new("--no-check") { Description = "Do not run the written graph on ONNX Runtime before keeping it" };

    public static Command Create()
    {
        var cmd = new Command("export", "Export a checkpoint's inference graph to ONNX (runs on ONNX Runtime in .NET, Python, the browser) with the SvqVideo metadata block, or (--to x.safetensors) its weights without the training state");
        foreach (var o in new Option[] { CheckpointPath, To, Opset, Tolerance, NoCheck })
        {
            cmd.Options.Add(o);
        }

        cmd.SetAction((parse, ct) => Cli.RunAsync(parse, ctx => Task.FromResult(Run(ctx, parse, ct)), ct));
        return cmd;
    }

    private static int Run(CommandContext ctx, ParseResult parse, CancellationToken ct)
    {
        string checkpoint = Path.GetFullPath(parse.GetValue(CheckpointPath)!);
        string to = Path.GetFullPath(parse.GetValue(To)!);
        int opset = parse.GetValue(Opset);
        if (to.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            return WeightsOnly(ctx, checkpoint, to);
        }

        if (!to.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException(ExitCodes.Usage, $"--to must end in .onnx (an ONNX model) or .safetensors (a weights-only checkpoint): {to}");
        }

        if (opset is < OnnxExporter.DefaultOpset or > OnnxExporter.MaximumOpset)
        {
            throw new CliException(ExitCodes.Usage, $"--opset must be {OnnxExporter.DefaultOpset}..{OnnxExporter.MaximumOpset}, got {opset}");
        }

        CheckSourceAndTarget(checkpoint, to);
        ctx.InitTorch();
        using (var model = ctx.LoadModel(checkpoint))
        {
            var manifest = Checkpoint.ReadManifest(checkpoint);
            var options = new OnnxExportOptions
            {
                Opset = opset,
                SourceSha256 = Sha256(checkpoint),
                ChannelOrder = manifest.ChannelOrder,
                Configuration = Checkpoint.ToJson(manifest with { Training = null }),
            };
            OnnxExportResult? result = null;
            double? maxDiff = null;
            AtomicFile.Commit(to, tmp =>
            {
                using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
                {
                    result = OnnxExporter.Write(model, stream, options);
                }

                ct.ThrowIfCancellationRequested();
                maxDiff = parse.GetValue(NoCheck) ? null : Check(ctx, model, tmp, parse.GetValue(Tolerance));
            });
            Report(ctx, checkpoint, to, result!, maxDiff);
        }

        return ExitCodes.Success;
    }

    /// <summary>Both kinds of export read an SvqVideo checkpoint and write into an existing folder.</summary>
    private static void CheckSourceAndTarget(string checkpoint, string to)
    {
        if (!Directory.Exists(Path.GetDirectoryName(to)))
        {
            throw new CliException(ExitCodes.Output, $"output folder does not exist: {Path.GetDirectoryName(to)}");
        }

        if (PredictorFiles.IsOnnx(checkpoint))
        {
            throw new CliException(ExitCodes.BadInput, $"{checkpoint} is already an ONNX model; export reads SvqVideo checkpoints (.safetensors)");
        }
    }

    /// <summary>
    /// A training checkpoint without its training state (optimizer moments, RNG, schedule): the model's weights and
    /// manifest only, about a third of the size, for shipping a model that is scored or fine-tuned from scratch
    /// optimizer state (the demo's bundled checkpoint is made this way).
    /// </summary>
    private static int WeightsOnly(CommandContext ctx, string checkpoint, string to)
    {
        CheckSourceAndTarget(checkpoint, to);
        if (string.Equals(checkpoint, to, StringComparison.Ordinal))
        {
            throw new CliException(ExitCodes.Usage, $"--to must differ from --checkpoint: {to}");
        }

        ctx.InitTorch();
        using var model = ctx.LoadModel(checkpoint);
        Checkpoint.SaveModel(to, model, Checkpoint.ReadManifest(checkpoint).Training);
        long before = new FileInfo(checkpoint).Length, after = new FileInfo(to).Length;
        if (ctx.Json)
        {
            ctx.Stdout.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { checkpoint, to, format = "safetensors", bytes_before = before, bytes = after }, JsonOutput.Compact));
        }
        else
        {
            ctx.Out.MarkupLine($"wrote {Spectre.Console.Markup.Escape(to)}: weights only, {after / 1e6:F1} MB (from {before / 1e6:F1} MB)");
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// Runs the written graph on ONNX Runtime and the checkpoint on TorchSharp for the same random frames (two clips,
    /// the --seed) and returns the largest difference; throws when it exceeds the tolerance. Null when no onnx plugin
    /// is installed (a warning says so).
    /// </summary>
    private static double? Check(CommandContext ctx, IForecastModel model, string file, double tolerance)
    {
        if (!ctx.Catalog().Entries.Any(e => e.Kind == PluginKind.Predictor && e.Name == "onnx"))
        {
            ctx.Stderr.WriteLine($"svqvideo: warning: the written graph was not checked: no 'onnx' predictor plugin in {ctx.Catalog().Folder}");
            return null;
        }

        var c = model.Config;
        using var onnx = ctx.Catalog().CreatePredictor("onnx", new PredictorCreateOptions { CheckpointPath = file, Device = "cpu" });
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)ctx.Seed);
        var frames = rand([2, c.FramesIn, c.Channels, c.Height, c.Width], generator: generator);
        Tensor expected;
        using (inference_mode())
        {
            var device = model.Module.parameters().FirstOrDefault()?.device ?? CPU;
            expected = model.Forecast(frames.to(device), model.FramesPerPass).cpu();
        }

        var data = frames.data<float>().ToArray();
        int per = c.FramesIn * c.Channels * c.Height * c.Width;
        var clips = Enumerable.Range(0, 2).Select(b => new FrameClip(data.AsSpan(b * per, per).ToArray(), c.FramesIn, c.Channels, c.Height, c.Width)).ToList();
        var unclipped = new ForecastOptions { Frames = model.FramesPerPass, AdditionalProperties = new Dictionary<string, object?> { ["clip"] = false } };
        var actual = onnx.PredictBatch(clips, unclipped).SelectMany(f => f.Data.ToArray()).ToArray();
        var reference = expected.contiguous().data<float>().ToArray();
        double maxDiff = actual.Zip(reference, (a, e) => Math.Abs((double)a - e)).DefaultIfEmpty(double.NaN).Max();
        if (!(maxDiff <= tolerance))
        {
            throw new CliException(ExitCodes.Failure, $"the exported graph differs from {c.Family} on ONNX Runtime by {maxDiff:g3} (tolerance {tolerance:g3}); nothing was written (please report this with the checkpoint)");
        }

        return maxDiff;
    }

    private static void Report(CommandContext ctx, string checkpoint, string to, OnnxExportResult result, double? maxDiff)
    {
        var m = result.Metadata;
        if (ctx.Json)
        {
            var json = new
            {
                checkpoint,
                output = to,
                family = m.Family,
                model_type = m.ModelType,
                quantizer = m.Quantizer,
                opset = m.Opset,
                contract = m.Contract,
                nodes = result.Nodes,
                initializers = result.Initializers,
                bytes = result.Bytes,
                input = new { name = ExportedModelMetadata.InputName, shape = new object[] { ExportedModelMetadata.BatchAxis, m.FramesIn, m.Channels, m.Height, m.Width } },
                output_tensor = new { name = ExportedModelMetadata.OutputName, shape = new object[] { ExportedModelMetadata.BatchAxis, m.FramesPerPass, m.Channels, m.Height, m.Width } },
                source_sha256 = m.SourceSha256,
                checked_max_abs_diff = maxDiff,
            };
            ctx.Stdout.WriteLine(JsonSerializer.Serialize(json, JsonOutput.Compact));
            return;
        }

        string check = maxDiff is { } d ? $"checked on ONNX Runtime: max |diff| {d:g2}" : "not checked";
        ctx.Out.MarkupLine(Markup.Escape($"{checkpoint} -> {to}: {m.Family} {m.ModelType} + {m.Quantizer}, opset {m.Opset}, {result.Nodes} nodes, {result.Bytes / 1048576.0:F1} MiB; {check}"));
        ctx.Out.MarkupLine(Markup.Escape($"input '{ExportedModelMetadata.InputName}' [batch, {m.FramesIn}, {m.Channels}, {m.Height}, {m.Width}] -> output '{ExportedModelMetadata.OutputName}' [batch, {m.FramesPerPass}, {m.Channels}, {m.Height}, {m.Width}] (one pass, unclipped)"));
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
