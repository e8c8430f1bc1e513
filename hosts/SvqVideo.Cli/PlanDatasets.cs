using SvqVideo.Datasets;
using SvqVideo.Datasets.Human36m;
using SvqVideo.Datasets.KittiCaltech;
using SvqVideo.Datasets.Kth;
using SvqVideo.Datasets.Mnist;
using SvqVideo.Datasets.Video;

namespace SvqVideo.Cli;

/// <summary>Opens the datasets a <see cref="RunPlan"/>'s <c>dataset</c> section names.</summary>
internal static class PlanDatasets
{
    /// <summary>Opens the train, validation and test splits of the plan's dataset.</summary>
    public static (IClipDataset Train, IClipDataset Validation, IClipDataset Test) Open(RunPlan plan, string? dataPath)
    {
        var dataset = plan.Dataset;
        string kind = RunPlan.Str(dataset, "kind", "mmnist").ToLowerInvariant();
        int fin = plan.FramesIn, fout = plan.FramesOut;
        string RequireData()
        {
            string path = dataPath ?? RunPlan.Str(dataset, "path", "");
            return path.Length > 0 ? path : throw new CliException(ExitCodes.Usage, $"dataset '{kind}' needs --data <folder>");
        }

        switch (kind)
        {
            case "mmnist":
                {
                    long seed = RunPlan.Int(dataset, "seed", 0);
                    MovingMnist Make(DatasetSplit split, string countKey, int fallback) => MovingMnist.Create(split, new MovingMnistOptions
                    {
                        FramesIn = fin,
                        FramesOut = fout,
                        Seed = seed,
                        Count = RunPlan.Int(dataset, countKey, fallback),
                        DigitsFile = dataPath,
                    });
                    return (Make(DatasetSplit.Train, "train_clips", 10000), Make(DatasetSplit.Validation, "val_clips", 1000), Make(DatasetSplit.Test, "test_clips", 1000));
                }

            case "kth":
                {
                    var o = new KthOptions { FramesIn = fin, FramesOut = fout, Height = RunPlan.Int(dataset, "height", 128), Width = RunPlan.Int(dataset, "width", 128) };
                    string root = RequireData();
                    return Splits(split => KthDataset.Open(root, split, o));
                }

            case "human":
                {
                    var o = new Human36mOptions
                    {
                        FramesIn = fin,
                        FramesOut = fout,
                        Height = RunPlan.Int(dataset, "height", 256),
                        Width = RunPlan.Int(dataset, "width", 256),
                        Protocol = RunPlan.Str(dataset, "protocol", "openstl").Equals("subjects", StringComparison.OrdinalIgnoreCase) ? Human36mProtocol.BySubject : Human36mProtocol.OpenStl,
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
                        Height = RunPlan.Int(dataset, "height", 64),
                        Width = RunPlan.Int(dataset, "width", 64),
                        Channels = RunPlan.Int(dataset, "channels", 3),
                        Stride = dataset["stride"] is null ? null : RunPlan.Int(dataset, "stride", 5),
                    };
                    string root = RequireData();
                    return Splits(split => VideoFolderDataset.Open(root, o, split));
                }

            case "kitticaltech":
                {
                    // Training and validation on KITTI, test on Caltech (OpenSTL's layout). OpenSTL reads the Caltech
                    // test frames in BGR while KITTI is RGB; "test_channel_order": "bgr" reproduces that quirk.
                    ChannelOrder Order(string key) => RunPlan.Str(dataset, key, "rgb").ToLowerInvariant() switch
                    {
                        "rgb" => ChannelOrder.Rgb,
                        "bgr" => ChannelOrder.Bgr,
                        var other => throw new CliException(ExitCodes.Usage, $"'{key}' must be rgb or bgr, got '{other}'"),
                    };
                    var o = new KittiCaltechOptions
                    {
                        FramesIn = fin,
                        FramesOut = fout,
                        Height = RunPlan.Int(dataset, "height", 128),
                        Width = RunPlan.Int(dataset, "width", 160),
                        CaltechFrameStep = RunPlan.Int(dataset, "caltech_frame_step", 3),
                    };
                    var (order, testOrder) = (Order("channel_order"), Order("test_channel_order"));
                    string root = RequireData();
                    return Splits(split => KittiCaltechDataset.Open(root, split, o with { ChannelOrder = split == DatasetSplit.Test ? testOrder : order }));
                }

            default:
                return DatasetExtensions.Open(kind, plan, RequireData());
        }
    }

    private static (IClipDataset Train, IClipDataset Validation, IClipDataset Test) Splits(Func<DatasetSplit, IClipDataset> open) =>
        (open(DatasetSplit.Train), open(DatasetSplit.Validation), open(DatasetSplit.Test));
}
