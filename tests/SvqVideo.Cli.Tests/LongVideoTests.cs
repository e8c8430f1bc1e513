using System.Text.Json;
using OpenCvSharp;
using SvqVideo.Testing;

namespace SvqVideo.Cli.Tests;

/// <summary>
/// Videos of any length (issue #30): a video long enough that holding it whole (as the CLI once did) would take more
/// memory than a forecast may use is forecast with the same peak memory as a short one, reading only its end.
/// Frames are small so that it runs in seconds.
/// </summary>
public sealed class LongVideoTests : IDisposable
{
    // 2400 frames of 320x240 colour are 2.2 GB as floats: above the 1 GB a --checkpoint forecast may use at 1080p.
    private const int Long = 2400, Short = 300, Width = 320, Height = 240;

    private readonly TempFolder _dir = new("svq-cli-long-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ACheckpointForecastOfALongVideoNeedsNoMoreMemoryThanOfAShortOne()
    {
        string model = Path.Combine(Path.GetDirectoryName(CliRunner.CliDll)!, "models", "demo-simvp-svq-mmnist.safetensors");
        var shortRun = Forecast(Video("short.avi", Short), "--checkpoint", model);
        var longRun = Forecast(Video("long.avi", Long), "--checkpoint", model);

        Assert.Equal(Long, longRun.GetProperty("context_end").GetInt32());
        AssertBounded(shortRun, longRun);
    }

    [Fact]
    public void AFitOnALongVideoTrainsOnItsWindowWithTheMemoryOfAShortOne()
    {
        string[] fit = ["--fit", "10s", "--fit-window", "60", "--frames-in", "4", "--frames", "4", "--size", "32x32"];
        var shortRun = Forecast(Video("short.avi", Short), fit);
        var longRun = Forecast(Video("long.avi", Long), fit);

        var window = longRun.GetProperty("fit").GetProperty("window");
        Assert.Equal((Long - 60, Long, 60), (window.GetProperty("start").GetInt32(), window.GetProperty("end").GetInt32(), window.GetProperty("frames").GetInt32()));
        Assert.True(window.GetProperty("seeked").GetBoolean(), "the frames before the window were decoded instead of skipped");
        AssertBounded(shortRun, longRun);
    }

    [Theory]
    [InlineData("--fit-window 5 is too short", "--fit-window", "5")]
    [InlineData("--fit-window: give a number of frames", "--fit-window", "lots")]
    [InlineData("--context-end must be at least 1", "--context-end", "0")]
    public void ABadWindowIsRejectedBeforeAnyWork(string message, params string[] settings)
    {
        string video = Video("v.avi", 30);
        var r = CliRunner.Cli(["forecast", "--input", video, "--output", _dir.Combine("out.mp4"), "--fit", "5s", .. settings]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.Combine("out.mp4")));
    }

    private static void AssertBounded(JsonElement shortRun, JsonElement longRun)
    {
        double shortPeak = shortRun.GetProperty("peak_memory_mib").GetDouble(), longPeak = longRun.GetProperty("peak_memory_mib").GetDouble();
        double whole = (double)Long * 3 * Height * Width * sizeof(float) / (1 << 20);
        Assert.True(longPeak < whole, $"peak {longPeak:F0} MiB is not below the {whole:F0} MiB of the whole video as floats");
        Assert.True(longPeak <= (1.2 * shortPeak) + 32, $"peak {longPeak:F0} MiB for {Long} frames against {shortPeak:F0} MiB for {Short}: memory grew with the length");
    }

    private JsonElement Forecast(string video, params string[] settings)
    {
        var r = CliRunner.Cli(["forecast", "--input", video, "--output", _dir.Combine(Path.GetFileNameWithoutExtension(video) + ".out.mp4"), "--json", "--threads", "2", .. settings]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        return doc.RootElement.Clone();
    }

    /// <summary>A Motion-JPEG video of a box moving over a gradient, written fast (OpenCV draws each frame).</summary>
    private string Video(string name, int frames)
    {
        string path = _dir.Combine(name);
        using var writer = new VideoWriter(path, VideoCaptureAPIs.OPENCV_MJPEG, FourCC.MJPG, 30, new Size(Width, Height));
        using var background = new Mat(Height, Width, MatType.CV_8UC3);
        for (int x = 0; x < Width; x += 8)
        {
            Cv2.Rectangle(background, new Rect(x, 0, 8, Height), new Scalar(40 + (x / 3), 90, 160 - (x / 3)), -1);
        }

        using var frame = new Mat();
        for (int t = 0; t < frames; t++)
        {
            background.CopyTo(frame);
            Cv2.Rectangle(frame, new Rect((t * 3) % (Width - 40), 100, 40, 40), Scalar.White, -1);
            writer.Write(frame);
        }

        return path;
    }
}
