using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SvqVideo.Training;

namespace SvqVideo.Cli;

/// <summary>
/// Everything that determines a run — dataset, model, quantizer and training settings — as one JSON
/// document: a preset from <c>presets/*.json</c> with command-line overrides applied. The effective
/// plan is saved beside the run's checkpoints, so one file fully describes it.
/// </summary>
internal sealed class RunPlan
{
    private RunPlan(JsonObject root)
    {
        Root = root;
    }

    public JsonObject Root { get; }

    public JsonObject Dataset => Section("dataset");

    public JsonObject Model => Section("model");

    public JsonObject Quantizer => Section("quantizer");

    public JsonObject Training => Section("training");

    public static string PresetFolder => Path.Combine(AppContext.BaseDirectory, "presets");

    public static IReadOnlyList<string> PresetNames() =>
        Directory.Exists(PresetFolder) ? Directory.GetFiles(PresetFolder, "*.json").Select(p => Path.GetFileNameWithoutExtension(p)).OrderBy(n => n, StringComparer.Ordinal).ToList() : [];

    /// <summary>Loads a preset by name (<c>presets/&lt;name&gt;.json</c>) or from a JSON file path.</summary>
    public static RunPlan Load(string nameOrPath)
    {
        string path = File.Exists(nameOrPath) ? nameOrPath : Path.Combine(PresetFolder, nameOrPath + ".json");
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.Usage, $"unknown preset '{nameOrPath}' (available: {string.Join(", ", PresetNames())}; or give a JSON file)");
        }

        try
        {
            return Migrated(JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new JsonException("empty document"));
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.BadInput, $"{path} is not valid JSON: {e.Message}");
        }
    }

    public static RunPlan FromJson(string json) => Migrated(JsonNode.Parse(json)!.AsObject());

    /// <summary>
    /// Plans written before the <c>training</c> section took <see cref="Training.TrainingOptions"/>' names (the
    /// <c>plan.json</c> of an older run being resumed, a user's preset) are read with the old names renamed.
    /// </summary>
    private static RunPlan Migrated(JsonObject root)
    {
        if (root["training"] is JsonObject training)
        {
            foreach (var (old, current) in LegacyTrainingNames)
            {
                if (training[old] is { } value && training[current] is null)
                {
                    training.Remove(old);
                    training[current] = value.DeepClone();
                }
            }

            if (training["schedule"] is { } schedule && Text(schedule) == "none")
            {
                training["schedule"] = "constant";
            }
        }

        return new RunPlan(root);
    }

    private static readonly (string Old, string Current)[] LegacyTrainingNames =
    [
        ("lr", "learning_rate"), ("patience", "early_stopping_patience"), ("budget", "max_wall_time"),
        ("clip_grad", "gradient_clip_norm"), ("noise", "noise_fraction"), ("max_val_clips", "max_validation_clips"),
    ];

    public string ToJson() => Root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>Sets <c>section.key</c> when <paramref name="value"/> is not null.</summary>
    public void Set<T>(string section, string key, T? value)
    {
        if (value is not null)
        {
            Section(section)[key] = JsonValue.Create(value);
        }
    }

    public static string Str(JsonObject s, string key, string fallback) => s[key] is { } n ? Text(n) : fallback;

    public static int Int(JsonObject s, string key, int fallback) => s[key] is { } n ? (int)Number(key, n) : fallback;

    public static double Num(JsonObject s, string key, double fallback) => s[key] is { } n ? Number(key, n) : fallback;

    public static bool Bool(JsonObject s, string key, bool fallback) => s[key] is { } n
        ? (bool.TryParse(Text(n), out bool b) ? b : throw new CliException(ExitCodes.Usage, $"'{key}' must be true or false, got {n.ToJsonString()}"))
        : fallback;

    /// <summary>A JSON scalar as invariant text (strings unquoted).</summary>
    public static string Text(JsonNode n) => n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : n.ToJsonString();

    private static double Number(string key, JsonNode n) =>
        double.TryParse(Text(n), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v
            : throw new CliException(ExitCodes.Usage, $"'{key}' must be a number, got {n.ToJsonString()}");

    public int FramesIn => Int(Dataset, "frames_in", 10);

    public int FramesOut => Int(Dataset, "frames_out", 10);

    /// <summary>
    /// The plan's <c>training</c> section, which is <see cref="Training.TrainingOptions"/> JSON (snake_case names such as
    /// <c>learning_rate</c>, <c>early_stopping_patience</c>, <c>max_wall_time</c>), with the CLI's seed, threads and device
    /// and the run folder applied on top.
    /// </summary>
    /// <exception cref="CliException">An unknown name or an invalid value (exit code 2, the message names it).</exception>
    public TrainingOptions TrainingOptions(CommandContext ctx, string outputFolder)
    {
        var json = Training.DeepClone().AsObject();
        json["seed"] = ctx.Seed;
        json["threads"] = ctx.Threads;
        json["device"] = ctx.DeviceName;
        json["checkpoint_directory"] = outputFolder;
        try
        {
            return SvqVideo.Training.TrainingOptions.FromJson(json.ToJsonString());
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.Usage, $"training: {e.Message.Replace("training options: ", "", StringComparison.Ordinal)}");
        }
    }

    private JsonObject Section(string name)
    {
        if (Root[name] is not JsonObject s)
        {
            s = [];
            Root[name] = s;
        }

        return s;
    }
}
