using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using SvqVideo.Interop;
using SvqVideo.Torch;

namespace SvqVideo.Cli.Commands;

/// <summary>
/// <c>svqvideo import</c>: a PyTorch state dict trained by OpenSTL or SVQ-Forecasting (torch.save zip or legacy
/// pickle, or safetensors; read as data only) → an SvqVideo checkpoint, given the matching model configuration
/// (preset + overrides).
/// </summary>
internal static class ImportCommand
{
    private static readonly PlanOptions Plan = new();
    private static readonly Option<string> From = new("--from") { Description = "PyTorch state dict: torch.save(model.state_dict()) .pth/.pt (zip or legacy format; read as data, never run) or .safetensors", Required = true };
    private static readonly Option<string> To = new("--to") { Description = "SvqVideo checkpoint to write (.safetensors)", Required = true };

    public static Command Create()
    {
        var cmd = new Command("import", "Convert an OpenSTL / SVQ-Forecasting PyTorch checkpoint into an SvqVideo checkpoint (the model configuration must match)");
        cmd.Options.Add(From);
        cmd.Options.Add(To);
        Plan.AddTo(cmd);
        cmd.SetAction((parse, ct) => Cli.RunAsync(parse, ctx => Task.FromResult(Run(ctx, parse)), ct));
        return cmd;
    }

    private static int Run(CommandContext ctx, ParseResult parse)
    {
        string from = parse.GetValue(From)!;
        string to = Path.GetFullPath(parse.GetValue(To)!);
        if (!File.Exists(from))
        {
            throw new CliException(ExitCodes.BadInput, $"file not found: {from}");
        }

        if (!Directory.Exists(Path.GetDirectoryName(to)))
        {
            throw new CliException(ExitCodes.Output, $"output folder does not exist: {Path.GetDirectoryName(to)}");
        }

        ctx.InitTorch();
        var plan = Plan.Resolve(parse, "mmnist");
        var shape = new PlanShape(plan);
        using var model = PlanModels.Build(plan, ctx.Catalog(), shape);
        PyTorchImportResult result;
        try
        {
            result = PyTorchCheckpointImporter.Import(from, model);
        }
        catch (InvalidDataException e)
        {
            throw new CliException(ExitCodes.BadInput, e.Message);
        }

        Checkpoint.SaveModel(to, model);
        if (ctx.Json)
        {
            ctx.Stdout.WriteLine(JsonSerializer.Serialize(new { from, to, format = result.Format, tensors = result.TensorCount, stripped_prefix = result.StrippedPrefix, unwrapped = result.UnwrappedEntry, model = TrainCommand.Describe(model) }));
        }
        else
        {
            ctx.Out.MarkupLine($"imported {result.TensorCount} tensors ({Markup.Escape(result.Format)}) from {Markup.Escape(from)} into {Markup.Escape(TrainCommand.Describe(model))}");
            ctx.Out.MarkupLine($"wrote {Markup.Escape(to)}");
        }

        return ExitCodes.Success;
    }
}
