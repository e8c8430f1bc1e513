using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SvqVideo.Datasets;
using SvqVideo.Datasets.Human36m;
using SvqVideo.Datasets.KittiCaltech;
using SvqVideo.Datasets.Kth;
using SvqVideo.Datasets.Mnist;
using SvqVideo.Datasets.Video;
using SvqVideo.Hosting;
using SvqVideo.Torch;
using SvqVideo.Training;
using TorchSharp;

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
            return new RunPlan(JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new JsonException("empty document"));
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.BadInput, $"{path} is not valid JSON: {e.Message}");
        }
    }

    public static RunPlan FromJson(string json) => new(JsonNode.Parse(json)!.AsObject());

    public string ToJson() => Root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>Sets <c>section.key</c> when <paramref name="value"/> is not null.</summary>
    public void Set<T>(string section, string key, T? value)
    {
        if (value is not null)
        {
            Section(section)[key] = JsonValue.Create(value);
        }
    }

    public string Str(JsonObject s, string key, string fallback) => s[key] is { } n ? Text(n) : fallback;

    public int Int(JsonObject s, string key, int fallback) => s[key] is { } n ? (int)Number(key, n) : fallback;

    public double Num(JsonObject s, string key, double fallback) => s[key] is { } n ? Number(key, n) : fallback;

    public bool Bool(JsonObject s, string key, bool fallback) => s[key] is { } n
        ? (bool.TryParse(Text(n), out bool b) ? b : throw new CliException(ExitCodes.Usage, $"'{key}' must be true or false, got {n.ToJsonString()}"))
        : fallback;

    /// <summary>A JSON scalar as invariant text (strings unquoted).</summary>
    public static string Text(JsonNode n) => n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : n.ToJsonString();

    private static double Number(string key, JsonNode n) =>
        double.TryParse(Text(n), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v
            : throw new CliException(ExitCodes.Usage, $"'{key}' must be a number, got {n.ToJsonString()}");

    public int FramesIn => Int(Dataset, "frames_in", 10);

    public int FramesOut => Int(Dataset, "frames_out", 10);

    /// <summary>Opens the train, validation and test splits of the plan's dataset.</summary>
    public (IClipDataset Train, IClipDataset Validation, IClipDataset Test) OpenDatasets(string? dataPath)
    {
        string kind = Str(Dataset, "kind", "mmnist").ToLowerInvariant();
        int fin = FramesIn, fout = FramesOut;
        string RequireData()
        {
            string path = dataPath ?? Str(Dataset, "path", "");
            return path.Length > 0 ? path : throw new CliException(ExitCodes.Usage, $"dataset '{kind}' needs --data <folder>");
        }

        switch (kind)
        {
            case "mmnist":
                {
                    long seed = Int(Dataset, "seed", 0);
                    MovingMnist Make(DatasetSplit split, string countKey, int fallback) => MovingMnist.Create(split, new MovingMnistOptions
                    {
                        FramesIn = fin,
                        FramesOut = fout,
                        Seed = seed,
                        Count = Int(Dataset, countKey, fallback),
                        DigitsFile = dataPath,
                    });
                    return (Make(DatasetSplit.Train, "train_clips", 10000), Make(DatasetSplit.Validation, "val_clips", 1000), Make(DatasetSplit.Test, "test_clips", 1000));
                }

            case "kth":
                {
                    var o = new KthOptions { FramesIn = fin, FramesOut = fout, Height = Int(Dataset, "height", 128), Width = Int(Dataset, "width", 128) };
                    string root = RequireData();
                    return Splits(split => KthDataset.Open(root, split, o));
                }

            case "human":
                {
                    var o = new Human36mOptions
                    {
                        FramesIn = fin,
                        FramesOut = fout,
                        Height = Int(Dataset, "height", 256),
                        Width = Int(Dataset, "width", 256),
                        Protocol = Str(Dataset, "protocol", "openstl").Equals("subjects", StringComparison.OrdinalIgnoreCase) ? Human36mProtocol.BySubject : Human36mProtocol.OpenStl,
                    };
                    string root = RequireData();
                    return Splits(split => Human36mDataset.Open(root, split, o));
                }

            case "videos":
                {
                    var o = new VideoFolderOptions
                    {
                        FramesIn = fin,
                        FramesOut = fout,
                        Height = Int(Dataset, "height", 64),
                        Width = Int(Dataset, "width", 64),
                        Channels = Int(Dataset, "channels", 3),
                        Stride = Dataset["stride"] is null ? null : Int(Dataset, "stride", 5),
                    };
                    string root = RequireData();
                    return Splits(split => VideoFolderDataset.Open(root, o, split));
                }

            case "kitticaltech":
                {
                    // Training and validation on KITTI, test on Caltech (OpenSTL's layout). OpenSTL reads the Caltech
                    // test frames in BGR while KITTI is RGB; "test_channel_order": "bgr" reproduces that quirk.
                    ChannelOrder Order(string key) => Str(Dataset, key, "rgb").ToLowerInvariant() switch
                    {
                        "rgb" => ChannelOrder.Rgb,
                        "bgr" => ChannelOrder.Bgr,
                        var other => throw new CliException(ExitCodes.Usage, $"'{key}' must be rgb or bgr, got '{other}'"),
                    };
                    var o = new KittiCaltechOptions
                    {
                        FramesIn = fin,
                        FramesOut = fout,
                        Height = Int(Dataset, "height", 128),
                        Width = Int(Dataset, "width", 160),
                        CaltechFrameStep = Int(Dataset, "caltech_frame_step", 3),
                    };
                    var (order, testOrder) = (Order("channel_order"), Order("test_channel_order"));
                    string root = RequireData();
                    return Splits(split => KittiCaltechDataset.Open(root, split, o with { ChannelOrder = split == DatasetSplit.Test ? testOrder : order }));
                }

            default:
                return DatasetExtensions.Open(kind, this, RequireData());
        }
    }

    private static (IClipDataset Train, IClipDataset Validation, IClipDataset Test) Splits(Func<DatasetSplit, IClipDataset> open) =>
        (open(DatasetSplit.Train), open(DatasetSplit.Validation), open(DatasetSplit.Test));

    /// <summary>Builds the model (and its quantizer) through the plugins named by the plan.</summary>
    public IForecastModel BuildModel(PluginCatalog catalog, IClipDataset shape)
    {
        var factory = catalog.GetModel(Str(Model, "family", "simvp"));
        var config = factory.DefaultConfig(shape.FramesIn, shape.FramesOut, shape.Channels, shape.Height, shape.Width);
        foreach (var (key, value) in Model)
        {
            if (key is "family" || value is null)
            {
                continue;
            }

            config = config.With(key, Text(value));
        }

        // The quantizer draws from its own stream (seeded from the current one), and the model's weights then
        // start from the same generator state whatever the quantizer drew: under one seed every arm of an A/B
        // run, `none` included, starts from identical SimVP weights.
        long quantizerSeed = torch.randint(0, int.MaxValue, [1], dtype: torch.ScalarType.Int64).item<long>();
        using var modelState = torch.get_rng_state();
        torch.manual_seed(quantizerSeed);
        var q = BuildQuantizer(catalog, config.GetInt("hid_S", 16));
        torch.set_rng_state(modelState);
        try
        {
            return factory.Create(config, q);
        }
        catch
        {
            q?.Dispose();
            throw;
        }
    }

    public QuantizerOptions? QuantizerOptions(PluginCatalog catalog, int dimension)
    {
        string kind = Str(Quantizer, "kind", "none").ToLowerInvariant();
        if (kind is "none" or "")
        {
            return null;
        }

        var factory = catalog.GetQuantizer(kind);
        var o = factory.DefaultOptions(dimension);
        o = o with
        {
            CodebookSize = Int(Quantizer, "codebook_size", o.CodebookSize),
            Frozen = Bool(Quantizer, "frozen", o.Frozen),
            Init = Quantizer["init"] is { } init ? Text(init) : o.Init,
        };
        if (Quantizer["params"] is JsonObject extra)
        {
            foreach (var (k, v) in extra)
            {
                o = o.With(k, v is null ? "" : Text(v));
            }
        }

        return o;
    }

    private IQuantizer? BuildQuantizer(PluginCatalog catalog, int dimension)
    {
        var o = QuantizerOptions(catalog, dimension);
        return o is null ? null : catalog.GetQuantizer(o.Kind).Create(o);
    }

    /// <summary>The training options, with the CLI's device, threads and seed.</summary>
    public TrainingOptions TrainingOptions(CommandContext ctx, string outputFolder)
    {
        var t = Training;
        var o = new TrainingOptions
        {
            Epochs = Int(t, "epochs", 10),
            BatchSize = Int(t, "batch_size", 16),
            LearningRate = Num(t, "lr", 1e-3),
            Optimizer = Enum.Parse<OptimizerKind>(Str(t, "optimizer", "adam"), ignoreCase: true),
            WeightDecay = Num(t, "weight_decay", 0),
            Schedule = Str(t, "schedule", "onecycle").ToLowerInvariant() switch
            {
                "onecycle" => ScheduleKind.OneCycle,
                "cosine" => ScheduleKind.Cosine,
                "constant" or "none" => ScheduleKind.Constant,
                var s => throw new CliException(ExitCodes.Usage, $"unknown schedule '{s}' (use onecycle, cosine or constant)"),
            },
            WarmupEpochs = Int(t, "warmup_epochs", 0),
            GradientClipNorm = Num(t, "clip_grad", 0),
            Loss = Enum.Parse<LossKind>(Str(t, "loss", "l1"), ignoreCase: true),
            NoiseFraction = Num(t, "noise", 0),
            EarlyStoppingPatience = Int(t, "patience", 10),
            MaxWallTime = t["budget"] is { } b ? Durations.Parse(Text(b)) : null,
            MaxStepsPerEpoch = Int(t, "max_steps_per_epoch", 0),
            MaxValidationClips = Int(t, "max_val_clips", 0),
            Seed = ctx.Seed,
            Threads = ctx.Threads,
            Device = ctx.DeviceName,
            CheckpointDirectory = outputFolder,
        };
        try
        {
            o.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.Usage, e.Message);
        }

        return o;
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
