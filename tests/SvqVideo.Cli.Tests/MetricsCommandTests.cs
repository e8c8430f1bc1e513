using System.Text.Json;
using SvqVideo.Testing;

namespace SvqVideo.Cli.Tests;

public sealed class MetricsCommandTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-cli-metrics-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void IdenticalVideosScoreZeroErrorAndInfinitePsnr()
    {
        var a = TestVideos.MovingSquare(_dir.Combine("a.mp4"), 6, 32, 24);
        var r = CliRunner.Cli("metrics", "--pred", a, "--truth", a, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var metrics = doc.RootElement.GetProperty("report").GetProperty("metrics");
        Assert.Equal(0.0, metrics.GetProperty("mse").GetProperty("mean").GetDouble());
        Assert.Equal(6, metrics.GetProperty("psnr").GetProperty("infinite_frames").GetInt64());
        Assert.Equal(1.0, metrics.GetProperty("ssim").GetProperty("mean").GetDouble(), 6);
    }

    [Fact]
    public void DifferentVideosGiveAPositiveError()
    {
        var a = TestVideos.MovingSquare(_dir.Combine("a.mp4"), 6, 32, 24, speed: 2);
        var b = TestVideos.MovingSquare(_dir.Combine("b.mp4"), 6, 32, 24, speed: 3);
        var r = CliRunner.Cli("metrics", "--pred", a, "--truth", b, "--json", "--skip", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.True(doc.RootElement.GetProperty("report").GetProperty("metrics").GetProperty("mae").GetProperty("mean").GetDouble() > 0);
        Assert.Equal(5, doc.RootElement.GetProperty("frames").GetInt32());
    }

    [Fact]
    public void VideosOfDifferentLengthsAreScoredOverTheFramesBothHaveInChunks()
    {
        // 70 frames: more than two of the chunks the videos are streamed in, so scoring spans chunks.
        var a = TestVideos.MovingSquare(_dir.Combine("a.avi"), 70, 32, 24, speed: 2);
        var b = TestVideos.MovingSquare(_dir.Combine("b.avi"), 75, 32, 24, speed: 2);
        var r = CliRunner.Cli("metrics", "--pred", a, "--truth", b, "--json", "--skip", "3");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("frame counts differ", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("scoring the first 70", r.Stderr, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(67, doc.RootElement.GetProperty("frames").GetInt32());
        var mse = doc.RootElement.GetProperty("report").GetProperty("metrics").GetProperty("mse");
        Assert.Equal(0.0, mse.GetProperty("mean").GetDouble());
        Assert.Equal(67, mse.GetProperty("frames").GetInt64());

        var past = CliRunner.Cli("metrics", "--pred", a, "--truth", b, "--skip", "80");
        Assert.Equal(3, past.ExitCode);
        Assert.Contains("nothing to score", past.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void TextFileNamedMp4IsAOneLineErrorWithExitCode3()
    {
        var bad = _dir.Combine("notes.mp4");
        File.WriteAllText(bad, "this is not a video");
        var r = CliRunner.Cli("metrics", "--pred", bad, "--truth", bad);
        Assert.Equal(3, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("notes.mp4", r.Stderr, StringComparison.Ordinal);
    }
}
