using System.Text.Json;
using SvqVideo.Testing;

namespace SvqVideo.Cli.Tests;

/// <summary>End to end through the built CLI: forecast --fit, and the bad inputs of issue #6.</summary>
public sealed class ForecastCommandTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-cli-forecast-");

    public void Dispose() => _dir.Dispose();

    private string In(string name) => _dir.Combine(name);

    [Fact]
    public void FitOnTheVideoThenForecastWritesContextPlusForecastAtTheInputsSizeAndFps()
    {
        var input = TestVideos.MovingSquare(In("square.mp4"), 40, 48, 32, fps: 12);
        var output = In("out.mp4");
        var strip = In("strip.png");
        var r = CliRunner.Cli("forecast", "--input", input, "--output", output, "--fit", "8s", "--frames", "6", "--frames-in", "4", "--size", "32x32", "--strip", strip, "--json", "--threads", "2", "--damping", "true");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var (frames, width, height, fps) = TestVideos.Probe(output);
        Assert.Equal(4 + 6, frames);
        Assert.Equal((48, 32), (width, height));
        Assert.Equal(12, fps, 1);
        Assert.True(File.Exists(strip));

        // A clean first run: libtorch's NNPACK notice ("Could not initialize NNPACK!") is switched off at start-up.
        Assert.DoesNotContain("NNPACK", r.Stderr, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(6, doc.RootElement.GetProperty("forecast_frames").GetInt32());
        // The 48x32 output was written by the default rule: the full-size last frame plus the upsampled change.
        Assert.Equal("change", doc.RootElement.GetProperty("full_size").GetString());
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp*"));

        // The fit reports the loss it trained with: the 'fit' preset's, as the built CLI ships it.
        using var preset = JsonDocument.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(CliRunner.CliDll)!, "presets", "fit.json")));
        var training = preset.RootElement.GetProperty("training");
        var loss = doc.RootElement.GetProperty("fit").GetProperty("loss");
        Assert.Equal(training.GetProperty("loss").GetString(), loss.GetProperty("kind").GetString());
        Assert.Equal(training.GetProperty("chroma_weight").GetDouble(), loss.GetProperty("chroma_weight").GetDouble());
        Assert.Equal(training.GetProperty("horizon_weighting").GetBoolean(), loss.GetProperty("horizon_weighting").GetBoolean());

        // The default model forecasts residually and by warping, as the preset says.
        var model = preset.RootElement.GetProperty("model");
        Assert.True(model.GetProperty("warp").GetBoolean());
        Assert.True(doc.RootElement.GetProperty("fit").GetProperty("residual").GetBoolean());
        Assert.True(doc.RootElement.GetProperty("fit").GetProperty("warp").GetBoolean());

        // --flow-prior auto: the check scored carrying the motion on against copy-last on the training clips, and decided.
        var check = doc.RootElement.GetProperty("fit").GetProperty("flow_prior_check");
        double constantVelocity = check.GetProperty("constant_velocity_loss").GetDouble(), copyLast = check.GetProperty("copy_last_loss").GetDouble();
        Assert.True(copyLast > 0 && constantVelocity > 0);
        Assert.True(check.GetProperty("clips").GetInt32() > 0);
        Assert.Equal(constantVelocity < SvqVideo.Training.FlowPriorVerdict.RequiredRatio * copyLast, doc.RootElement.GetProperty("fit").GetProperty("flow_prior").GetBoolean());

        // With --damping: one scale in [0, 1] per fitted forecast step (min(--frames, --frames-in) = 4), and the
        // held-out report has the damped model's metrics beside the plain model's.
        var scales = doc.RootElement.GetProperty("fit").GetProperty("damping").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(4, scales.Count);
        Assert.All(scales, s => Assert.InRange(s, 0, 1));
        var heldOut = doc.RootElement.GetProperty("held_out");
        Assert.Equal(
            heldOut.GetProperty("model").EnumerateObject().Select(p => p.Name),
            heldOut.GetProperty("damped_model").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void TrainedCheckpointForecastsEveryVideoOfAFolderOneAtATime()
    {
        string run = In("run");
        var train = CliRunner.Cli("train", "--preset", "demo", "--budget", "5s", "--train-clips", "16", "--max-steps-per-epoch", "1", "--epochs", "1", "--out", run);
        Assert.True(train.ExitCode == 0, train.Stderr);
        var videos = Directory.CreateDirectory(In("videos"));
        TestVideos.MovingSquare(Path.Combine(videos.FullName, "a.mp4"), 14, 40, 30);
        TestVideos.MovingSquare(Path.Combine(videos.FullName, "b.mp4"), 12, 64, 64, speed: 3);
        var outDir = Directory.CreateDirectory(In("out"));
        var r = CliRunner.Cli("forecast", "--input", videos.FullName, "--output", outDir.FullName, "--checkpoint", Path.Combine(run, "best.safetensors"), "--frames", "12", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var (frames, width, height, _) = TestVideos.Probe(Path.Combine(outDir.FullName, "a.forecast.mp4"));
        Assert.Equal((10 + 12, 40, 30), (frames, width, height));
        Assert.Equal(10 + 12, TestVideos.Probe(Path.Combine(outDir.FullName, "b.forecast.mp4")).Frames);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.All(doc.RootElement.EnumerateArray(), e => Assert.Equal("change", e.GetProperty("full_size").GetString()));

        // The demo preset's model does not warp, so --full-size motion falls back to the change rule, and says so.
        r = CliRunner.Cli("forecast", "--input", videos.FullName, "--output", outDir.FullName, "--checkpoint", Path.Combine(run, "best.safetensors"), "--frames", "2", "--full-size", "motion", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var again = JsonDocument.Parse(r.Stdout);
        Assert.All(again.RootElement.EnumerateArray(), e => Assert.Equal("change", e.GetProperty("full_size").GetString()));
    }

    public static TheoryData<string, string> BadVideos => new()
    {
        { "empty.mp4", "" },
        { "text.mp4", "this is a text file, not a video" },
    };

    [Theory]
    [MemberData(nameof(BadVideos))]
    public void UnreadableInputIsOneLineExit3AndNoOutput(string name, string content)
    {
        File.WriteAllText(In(name), content);
        AssertFailsCleanly(3, "forecast", "--input", In(name), "--output", In("out.mp4"), "--fit", "5s");
    }

    [Fact]
    public void TruncatedMp4IsRejected()
    {
        var good = TestVideos.MovingSquare(In("good.mp4"), 30, 32, 32);
        var bytes = File.ReadAllBytes(good);
        File.WriteAllBytes(In("cut.mp4"), bytes[..(bytes.Length / 2)]);
        AssertFailsCleanly(3, "forecast", "--input", In("cut.mp4"), "--output", In("out.mp4"), "--fit", "5s");
    }

    [Fact]
    public void VideoShorterThanTheContextIsRejected()
    {
        var shortVideo = TestVideos.MovingSquare(In("short.mp4"), 3, 32, 32);
        var r = AssertFailsCleanly(3, "forecast", "--input", shortVideo, "--output", In("out.mp4"), "--fit", "5s", "--frames-in", "4");
        Assert.Contains("short.mp4", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOddSizedVideoComesBackAtItsOwnSizeInAviAndPaddedByOneInMp4WhichMetricsComparesDirectly()
    {
        var odd = TestVideos.MovingSquare(In("odd.avi"), 24, 97, 71);
        Assert.Equal((97, 71), (TestVideos.Probe(odd).Width, TestVideos.Probe(odd).Height));
        string model = In("fitted.safetensors");
        var r = CliRunner.Cli("forecast", "--input", odd, "--output", In("odd-out.avi"), "--fit", "5s", "--frames-in", "4", "--frames", "2", "--size", "16x16", "--save-checkpoint", model, "--json", "--full-size", "motion");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal((6, 97, 71), Shape(In("odd-out.avi")));
        using (var fit = JsonDocument.Parse(r.Stdout))
        {
            Assert.Equal(JsonValueKind.Null, fit.RootElement.GetProperty("fit").GetProperty("damping").ValueKind);
            Assert.False(fit.RootElement.GetProperty("held_out").TryGetProperty("damped_model", out _));
            // The default fit warps, so with --full-size motion the 97x71 output moved the full-size frame along its flow.
            Assert.Equal("motion", fit.RootElement.GetProperty("full_size").GetString());
        }

        // Context = the first 4 frames, so the output's frames line up in time with the input's.
        r = CliRunner.Cli("forecast", "--input", odd, "--output", In("odd-out.mp4"), "--checkpoint", model, "--frames", "2", "--context-end", "4", "--json", "--full-size", "motion");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using (var fromCheckpoint = JsonDocument.Parse(r.Stdout))
        {
            // A saved warp model hands over its flow too.
            Assert.Equal("motion", fromCheckpoint.RootElement.GetProperty("full_size").GetString());
        }

        Assert.Equal((6, 98, 72), Shape(In("odd-out.mp4")));

        var exact = CliRunner.Cli("metrics", "--pred", In("odd-out.avi"), "--truth", odd, "--json");
        Assert.True(exact.ExitCode == 0, exact.Stderr);
        Assert.DoesNotContain("top-left", exact.Stderr, StringComparison.Ordinal);
        var padded = CliRunner.Cli("metrics", "--pred", In("odd-out.mp4"), "--truth", odd, "--json");
        Assert.True(padded.ExitCode == 0, padded.Stderr);
        Assert.Contains("comparing the top-left 97x71", padded.Stderr, StringComparison.Ordinal);

        // The output's first frame is the input's first frame (within the codecs' loss), aligned pixel for pixel.
        using var doc = JsonDocument.Parse(padded.Stdout);
        var psnr = doc.RootElement.GetProperty("report").GetProperty("metrics").GetProperty("psnr");
        double first = psnr.GetProperty("per_frame_index")[0].GetDouble();
        Assert.True(first > 25, $"PSNR of the first (context) frame is {first:F1} dB: {psnr}");
    }

    private static (int Frames, int Width, int Height) Shape(string path)
    {
        var (frames, width, height, _) = TestVideos.Probe(path);
        return (frames, width, height);
    }

    [Fact]
    public void CorruptOrForeignCheckpointIsRejected()
    {
        var video = TestVideos.MovingSquare(In("v.mp4"), 20, 32, 32);
        File.WriteAllText(In("bad.safetensors"), "garbage");
        AssertFailsCleanly(3, "forecast", "--input", video, "--output", In("out.mp4"), "--checkpoint", In("bad.safetensors"));
        AssertFailsCleanly(3, "forecast", "--input", video, "--output", In("out.mp4"), "--checkpoint", In("missing.safetensors"));
    }

    [Theory]
    [InlineData("--full-size must be change or motion", "--full-size", "sharp")]
    [InlineData("--warp true needs --residual true", "--residual", "false", "--warp", "true")]
    [InlineData("--flow-prior true needs --warp true", "--warp", "false", "--flow-prior", "true")]
    [InlineData("--flow-prior must be auto, true or false", "--flow-prior", "maybe")]
    public void AnUnknownOrContradictorySettingIsRejectedBeforeAnyWork(string message, params string[] settings)
    {
        var video = TestVideos.MovingSquare(In("w.mp4"), 30, 32, 32);
        var r = AssertFailsCleanly(2, ["forecast", "--input", video, "--output", In("out.mp4"), "--fit", "5s", .. settings]);
        Assert.Contains(message, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputInAMissingFolderIsRejectedBeforeAnyWork()
    {
        var video = TestVideos.MovingSquare(In("v.mp4"), 20, 32, 32);
        AssertFailsCleanly(6, "forecast", "--input", video, "--output", In("no/such/folder/out.mp4"), "--fit", "5s");
    }

    [Fact]
    public void MissingPluginFolderIsExit4()
    {
        var video = TestVideos.MovingSquare(In("v.mp4"), 40, 32, 32);
        AssertFailsCleanly(4, "forecast", "--input", video, "--output", In("out.mp4"), "--fit", "5s", "--plugins", In("no-plugins"));
    }

    private ProcessRunner.Result AssertFailsCleanly(int code, params string[] args)
    {
        var before = Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories).ToHashSet();
        var r = CliRunner.Cli(args);
        Assert.True(r.ExitCode == code, $"exit {r.ExitCode}, expected {code}: {r.Stderr}");
        var lines = r.Stderr.Trim().Split('\n');
        Assert.True(lines.Length == 1, "expected one stderr line, got: " + r.Stderr);
        Assert.StartsWith("svqvideo: error: ", lines[0], StringComparison.Ordinal);
        var after = Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories);
        Assert.All(after, f => Assert.Contains(f, before));
        return r;
    }
}
