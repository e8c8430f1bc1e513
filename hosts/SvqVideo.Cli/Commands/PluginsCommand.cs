using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using SvqVideo.Hosting;

namespace SvqVideo.Cli.Commands;

/// <summary><c>svqvideo plugins [--watch]</c>: lists discovered predictors, models and quantizers.</summary>
internal static class PluginsCommand
{
    private static readonly Option<bool> Watch = new("--watch") { Description = "Keep running and report plugins as their dlls are replaced (hot reload)" };

    public static Command Create()
    {
        var cmd = new Command("plugins", "List the predictor, model and quantizer plugins found, with versions");
        cmd.Options.Add(Watch);
        cmd.SetAction((parse, ct) => Cli.RunAsync(parse, ctx => RunAsync(ctx, parse.GetValue(Watch), ct), ct));
        return cmd;
    }

    private static async Task<int> RunAsync(CommandContext ctx, bool watch, CancellationToken ct)
    {
        if (!watch)
        {
            var catalog = ctx.Catalog();
            Print(ctx, catalog);
            return catalog.Problems.Count == 0 ? ExitCodes.Success : ExitCodes.Plugin;
        }

        Hosting.NativeRuntime.EnsureTorch();
        using var watched = PluginFolder.Load(ctx.PluginOption, new PluginCatalogOptions { Strict = false, EnableHotReload = true });
        Print(ctx, watched);
        watched.Reloaded += (_, e) =>
        {
            string what = e.Error is null
                ? $"reloaded {e.AssemblyName}: {string.Join(", ", e.Entries.Select(x => $"{x.Kind.ToString().ToLowerInvariant()} {x.Name} {x.Version}"))}"
                : $"reload of {e.AssemblyName} failed: {e.Error}";
            if (ctx.Json)
            {
                ctx.Stdout.WriteLine(JsonSerializer.Serialize(new { @event = "reloaded", assembly = e.AssemblyName, error = e.Error, entries = e.Entries.Select(ToJson) }));
            }
            else
            {
                ctx.Stdout.WriteLine($"{DateTime.Now:HH:mm:ss} {what}");
            }
        };
        ctx.Ui.MarkupLine("[grey]watching for replaced plugin dlls; Ctrl+C to stop[/]");
        try
        {
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return ExitCodes.Success;
    }

    private static object ToJson(PluginEntry e) => new { name = e.Name, kind = e.Kind.ToString().ToLowerInvariant(), version = e.Version, sdk_major = e.SdkMajor, assembly = e.AssemblyName, description = e.Description, path = e.Path };

    private static void Print(CommandContext ctx, PluginCatalog catalog)
    {
        if (ctx.Json)
        {
            ctx.Stdout.WriteLine(JsonSerializer.Serialize(new { folder = catalog.Folder, sdk = SdkVersion.Current.ToString(), plugins = catalog.Entries.Select(ToJson), problems = catalog.Problems }));
            return;
        }

        var table = new Table().Title($"plugins in {Markup.Escape(catalog.Folder)} (host SDK {SdkVersion.Current})")
            .AddColumns("kind", "name", "version", "SDK", "assembly", "description");
        foreach (var e in catalog.Entries)
        {
            table.AddRow(e.Kind.ToString().ToLowerInvariant(), e.Name, e.Version, e.SdkMajor.ToString(System.Globalization.CultureInfo.InvariantCulture), e.AssemblyName, Markup.Escape(e.Description));
        }

        ctx.Out.Write(table);
        foreach (var p in catalog.Problems)
        {
            ctx.Stderr.WriteLine($"svqvideo: warning: {p}");
        }
    }
}
