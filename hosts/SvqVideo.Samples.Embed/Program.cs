// A host application embedding SvqVideo: find plugins in a folder, pick a predictor, push a video's
// frames into a streaming session as they arrive, and draw the last forecast next to the context.
//
//   svqvideo-embed-sample <plugin-folder> <predictor> <video> <out.png> [checkpoint]
using OpenCvSharp;
using SvqVideo;
using SvqVideo.Hosting;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: svqvideo-embed-sample <plugin-folder> <predictor> <video> <out.png> [checkpoint]");
    return 2;
}

try
{
    NativeRuntime.EnsureTorch();
    // Keep libtorch's large buffers in the heap instead of page-faulting them in on every forecast.
    NativeAllocator.TuneForTensors();
    using var catalog = PluginCatalog.Load(args[0]);
    using var predictor = catalog.CreatePredictor(args[1], new PredictorCreateOptions { CheckpointPath = args.Length > 4 ? args[4] : null });
    var m = predictor.Metadata;
    Console.WriteLine($"predictor {m.Name} {m.Version}: {m.FramesIn} frames in, {m.FramesOut} out, {m.Channels}x{m.Height}x{m.Width}");

    using var session = predictor.CreateSession();
    using var capture = new VideoCapture(args[2]);
    if (!capture.IsOpened())
    {
        throw new InvalidDataException($"cannot open video {args[2]}");
    }

    using var frame = new Mat();
    var history = new Queue<float[]>();
    FrameClip? forecast = null;
    int count = 0;
    while (capture.Read(frame) && !frame.Empty())
    {
        var values = ToModelFrame(frame, m);
        session.Push(values);
        history.Enqueue(values);
        if (history.Count > m.FramesIn)
        {
            history.Dequeue();
        }

        count++;
        if (session.IsReady)
        {
            forecast = session.Forecast(m.FramesOut);
        }
    }

    if (forecast is null)
    {
        throw new InvalidDataException($"{args[2]} has {count} frames; the predictor needs {m.FramesIn}");
    }

    using var strip = Draw(history.ToList(), forecast, m);
    Cv2.ImWrite(args[3], strip);
    Console.WriteLine($"read {count} frames, forecast {forecast.Frames}; wrote {args[3]}");
    return 0;
}
catch (Exception e) when (e is PluginLoadException or NativeRuntimeException or InvalidDataException or ArgumentException or IOException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

// BGR 8-bit frame → the predictor's C×H×W floats in [0,1] (RGB or gray).
static float[] ToModelFrame(Mat bgr, PredictorMetadata m)
{
    using var resized = bgr.Resize(new Size(m.Width, m.Height), 0, 0, InterpolationFlags.Area);
    using var converted = m.Channels == 1 ? resized.CvtColor(ColorConversionCodes.BGR2GRAY) : resized.CvtColor(ColorConversionCodes.BGR2RGB);
    var values = new float[m.Channels * m.Height * m.Width];
    for (int y = 0; y < m.Height; y++)
    {
        for (int x = 0; x < m.Width; x++)
        {
            for (int c = 0; c < m.Channels; c++)
            {
                byte v = m.Channels == 1 ? converted.At<byte>(y, x) : converted.At<Vec3b>(y, x)[c];
                values[(c * m.Height * m.Width) + (y * m.Width) + x] = v / 255f;
            }
        }
    }

    return values;
}

// Context frames, then forecast frames, side by side (gray or RGB → BGR for display).
static Mat Draw(List<float[]> context, FrameClip forecast, PredictorMetadata m)
{
    var tiles = context.Concat(Enumerable.Range(0, forecast.Frames).Select(t => forecast.Frame(t).ToArray())).Select(values =>
    {
        var tile = new Mat(m.Height, m.Width, MatType.CV_8UC3);
        for (int y = 0; y < m.Height; y++)
        {
            for (int x = 0; x < m.Width; x++)
            {
                byte Channel(int c) => (byte)Math.Clamp(values[(Math.Min(c, m.Channels - 1) * m.Height * m.Width) + (y * m.Width) + x] * 255f, 0, 255);
                tile.Set(y, x, new Vec3b(Channel(2), Channel(1), Channel(0)));
            }
        }

        return tile;
    }).ToArray();
    var strip = new Mat();
    Cv2.HConcat(tiles, strip);
    foreach (var t in tiles)
    {
        t.Dispose();
    }

    return strip;
}
